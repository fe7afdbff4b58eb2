//! Following the pages of any operation as a stream, without code per connector.
//!
//! Tray does not page: paging is the third party's, passed through an operation's inputs and
//! outputs (Slack's `cursor` and `response_metadata.next_cursor`, Salesforce's `page_offset`,
//! Twilio's `page_token`). [`Client::pages`] calls the operation, hands each output to a
//! function that says what the next input is, and stops when it says none.

use std::collections::HashMap;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::{FusedStream, Stream};
use futures_util::StreamExt;
use sha2::{Digest, Sha256};

use crate::{Client, Error, Operation, wire};

/// The outputs of successive calls of the operation `O`, one per page: a
/// [`Stream`](futures_core::Stream) of `Result<O::Output, Error>` made by [`Client::pages`].
///
/// Read it with [`next`](Pages::next) (no other crate needed), or with any `Stream` adapter
/// (`futures::StreamExt`, `TryStreamExt::try_collect`, `tokio_stream`). Nothing is sent until
/// the stream is polled, one page is asked for at a time, and dropping the stream cancels the
/// call in flight.
///
/// The stream ends (and stays ended: it is a [`FusedStream`]):
/// - when the `next` function returns `None` (after yielding the page it was given);
/// - after the first error, which it yields: a failed call (after the client's retries), an
///   output that does not decode, or [`Error::PageLoop`] when the next input is one that was
///   already sent.
#[must_use = "a stream does nothing until polled"]
pub struct Pages<O: Operation> {
    stream: Pin<Box<dyn FusedStream<Item = Result<O::Output, Error>> + Send>>,
}

impl<O: Operation> Pages<O> {
    /// The next page, `None` once the stream has ended.
    pub async fn next(&mut self) -> Option<Result<O::Output, Error>> {
        std::future::poll_fn(|cx| self.stream.as_mut().poll_next(cx)).await
    }
}

impl<O: Operation> Stream for Pages<O> {
    type Item = Result<O::Output, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.stream.as_mut().poll_next(cx)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.stream.size_hint()
    }
}

/// Once ended, a `Pages` stays ended: polling it again answers `None`.
impl<O: Operation> FusedStream for Pages<O> {
    fn is_terminated(&self) -> bool {
        self.stream.is_terminated()
    }
}

impl<O: Operation> fmt::Debug for Pages<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages")
            .field("connector", &O::CONNECTOR)
            .field("operation", &O::NAME)
            .finish_non_exhaustive()
    }
}

/// What the stream carries from one page to the next.
struct Paging<O, F> {
    client: Client,
    auth_id: String,
    /// The input of the next page; `None` once the stream is over.
    next_input: Option<O>,
    next: F,
    /// The SHA-256 of every request body sent so far (the input, with the operation and
    /// authId that every page shares), and the page it was sent for: 32 bytes a page, however
    /// large the cursors (keeping the bodies, 8 MB cursors over 40 pages held 390 MB).
    sent: HashMap<[u8; 32], usize>,
}

impl<O, F> Paging<O, F>
where
    O: Operation,
    F: FnMut(O, &O::Output) -> Option<O>,
{
    async fn page(&mut self, input: O, page: usize) -> Result<O::Output, Error> {
        let body = wire::encode_call(O::NAME, &self.auth_id, &input, false)?;
        let digest: [u8; 32] = Sha256::digest(&body).into();
        if let Some(&repeats) = self.sent.get(&digest) {
            return Err(Error::PageLoop {
                connector: O::CONNECTOR,
                operation: O::NAME,
                page,
                repeats,
            });
        }
        self.sent.insert(digest, page);
        let output = self.client.call_encoded::<O>(body).await?;
        self.next_input = (self.next)(input, &output);
        Ok(output)
    }
}

impl Client {
    /// Follows the pages of operation `O`: calls it with `first`, yields its output, asks
    /// `next(input, &output)` for the input of the following page, and so on until `next`
    /// returns `None`, a call fails, or an input repeats.
    ///
    /// `next` gets the input that produced the page, by value, so the usual answer is that
    /// input with the cursor changed: generated inputs have public fields, so
    /// `Some(Input { cursor: Some(next_cursor), ..input })` or an assignment to `input.cursor`
    /// does it. Return `None` on the last page (no next cursor, an empty or short page).
    ///
    /// ```
    /// # mod twilio { tray_connect::connector!("twilio-output", "2.1", "schemas/twilio-output.json",
    /// #     operations = ["list_messages"]); }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let emulator = tray_connect_emulator::Emulator::builder()
    /// #     .document_json(include_str!("../../schemas/twilio-output.json")).start().await?;
    /// # let page = |token: Option<&str>| serde_json::json!({"messages": [], "page": 0,
    /// #     "page_size": 0, "next_page_token": token});
    /// # emulator.respond_sequence("twilio-output", "list_messages", [page(Some("PT2")), page(None)]);
    /// # let client = tray_connect::Client::builder().token("t").base_url(emulator.base_url()).build()?;
    /// # let auth_id = "fe6ce53d-b414-4f24-b0d5-16a0a75544a0";
    /// let first = twilio::ListMessages::builder().page_size(100).build();
    /// let mut pages = client.pages(auth_id, first, |input, page| {
    ///     let token = page.next_page_token.clone()?;            // none: that was the last page
    ///     Some(twilio::ListMessages { page_token: Some(token), ..input })
    /// });
    /// while let Some(page) = pages.next().await {
    ///     for message in page?.messages {
    ///         println!("{}", message.sid);
    ///     }
    /// }
    /// # assert_eq!(emulator.calls().len(), 2);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// **Loops.** A server whose cursors go round in a circle would make the stream endless.
    /// Before each call the request body (the serialised input, with the operation and authId
    /// every page shares) is compared with every one sent before; a repeat ends the stream with
    /// [`Error::PageLoop`], naming both pages, instead of calling again. Comparing inputs needs
    /// no knowledge of where an operation keeps its cursor, and is exact in practice: given the
    /// same input, a server answers the same page, so a repeated input is a loop and a new one
    /// is not. The stream keeps not the bodies but their SHA-256 digests, 32 bytes per page
    /// read however long the cursors (two different bodies with one digest, a SHA-256
    /// collision, is not a thing that happens). A listing that keeps giving new cursors is not
    /// a loop, so bound it with a count of pages or items of your own (`StreamExt::take`) if
    /// the server may never end.
    ///
    /// Each page is an ordinary [`call`](Self::call): retried, timed out and limited as calls
    /// are ([`ClientBuilder::max_concurrent_calls`](crate::ClientBuilder::max_concurrent_calls)).
    /// Pages are read one at a time, so a stream holds at most one call slot.
    pub fn pages<O, F>(&self, auth_id: &str, first: O, next: F) -> Pages<O>
    where
        O: Operation + Send + 'static,
        O::Output: Send + 'static,
        F: FnMut(O, &O::Output) -> Option<O> + Send + 'static,
    {
        let paging = Paging {
            client: self.clone(),
            auth_id: auth_id.to_owned(),
            next_input: Some(first),
            next,
            sent: HashMap::new(),
        };
        let stream = futures_util::stream::unfold(paging, |mut paging| async move {
            let input = paging.next_input.take()?;
            let page = paging.sent.len() + 1;
            let result = paging.page(input, page).await;
            Some((result, paging))
        });
        Pages {
            // Fused: `unfold` must not be polled again once it has ended.
            stream: Box::pin(stream.fuse()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize)]
    struct ListThings {
        cursor: Option<String>,
    }

    impl Operation for ListThings {
        type Output = serde_json::Value;
        const CONNECTOR: &'static str = "things";
        const VERSION: &'static str = "1.0";
        const NAME: &'static str = "list_things";
    }

    /// An input serde cannot write: a map with keys that are not strings.
    #[derive(serde::Serialize)]
    struct Unwritable(std::collections::HashMap<(u8, u8), u8>);

    impl Operation for Unwritable {
        type Output = serde_json::Value;
        const CONNECTOR: &'static str = "things";
        const VERSION: &'static str = "1.0";
        const NAME: &'static str = "unwritable";
    }

    #[tokio::test]
    async fn an_input_that_cannot_be_encoded_is_the_one_error_and_nothing_is_sent() {
        // Port 9 on loopback: a request sent would be a transport error, not Encode.
        let client = Client::builder()
            .token("token")
            .base_url("http://127.0.0.1:9")
            .build()
            .unwrap();
        let input = Unwritable([((1, 2), 3)].into_iter().collect());
        let mut pages = client.pages("", input, |_, _| panic!("no page was read"));
        let error = pages.next().await.unwrap().unwrap_err();
        assert!(matches!(error, Error::Encode { .. }), "{error}");
        assert!(pages.next().await.is_none());
        assert!(pages.is_terminated());
    }

    #[test]
    fn pages_are_send_and_debug_names_the_operation() {
        fn send<T: Send>(_: &T) {}
        let client = Client::new("token").unwrap();
        let pages = client.pages("", ListThings { cursor: None }, |_, _| None);
        send(&pages);
        assert_eq!(
            format!("{pages:?}"),
            r#"Pages { connector: "things", operation: "list_things", .. }"#
        );
    }
}
