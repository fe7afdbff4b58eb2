//! List Subscriptions, the one paged endpoint of the Connectivity API, as a stream of
//! subscriptions over all its pages.
//!
//! Tray's sources disagree on the cursor's parameter (`docs/fidelity.md`, *Triggers*): the
//! published OpenAPI names it `cursor`, the reference page's text says to pass `endCursor` as
//! `after`. The client sends both, with the same value, so either reading works; and because a
//! server that honours neither would answer the first page for ever, a cursor that comes back
//! a second time ends the listing with an error.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::{FusedStream, Stream};
use futures_util::StreamExt;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::retry::RequestKind;
use crate::wire::{self, PageInfo, decode_slice};
use crate::{Client, Error, SubscriptionInfo};

const WHAT: &str = "subscriptions";

/// Every subscription of the account, across all pages of List Subscriptions: a
/// [`Stream`](futures_core::Stream) of `Result<SubscriptionInfo, Error>` made by
/// [`Client::subscriptions`].
///
/// Nothing is sent until it is polled; pages are asked for one at a time, as the items of the
/// one before run out, and dropping the stream cancels the request in flight. Read it with
/// [`next`](Subscriptions::next) or any `Stream` adapter.
///
/// The stream ends (and stays ended: it is a [`FusedStream`]) after the last page, or after
/// the first error, which it yields once the items before it have been yielded: a failed
/// request (after the client's retries), an answer that does not decode, or
/// [`Error::Paging`] when the server's pages cannot be followed (a cursor it gave before, or
/// more pages announced without a cursor). A server that keeps giving new cursors is
/// followed for as long as it does: bound the stream yourself (`StreamExt::take`) if yours
/// might.
#[must_use = "a stream does nothing until polled"]
pub struct Subscriptions {
    stream: Pin<Box<dyn FusedStream<Item = Result<SubscriptionInfo, Error>> + Send>>,
}

impl Subscriptions {
    /// The next subscription, `None` once the stream has ended.
    pub async fn next(&mut self) -> Option<Result<SubscriptionInfo, Error>> {
        std::future::poll_fn(|cx| self.stream.as_mut().poll_next(cx)).await
    }
}

impl Stream for Subscriptions {
    type Item = Result<SubscriptionInfo, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.stream.as_mut().poll_next(cx)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.stream.size_hint()
    }
}

/// Once ended, `Subscriptions` stays ended: polling it again answers `None`.
impl FusedStream for Subscriptions {
    fn is_terminated(&self) -> bool {
        self.stream.is_terminated()
    }
}

impl fmt::Debug for Subscriptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Subscriptions").finish_non_exhaustive()
    }
}

/// One page of List Subscriptions.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Page {
    /// Optional in Tray's schema: a page without it holds nothing.
    #[serde(default)]
    elements: Vec<SubscriptionInfo>,
    /// Required in Tray's schema; read as "no further page" when missing or malformed.
    #[serde(default, deserialize_with = "wire::page_info")]
    page_info: PageInfo,
}

/// What the stream carries from one page to the next.
struct Listing {
    client: Client,
    /// The subscriptions of the last page not yielded yet.
    pending: VecDeque<SubscriptionInfo>,
    /// The cursor of the next page: `None` before the first page.
    cursor: Option<String>,
    /// Whether another page is to be asked for.
    more: bool,
    /// Pages read so far.
    pages: usize,
    /// The SHA-256 of every cursor followed so far, and the page that gave it: 32 bytes a
    /// page, however long the server's cursors.
    cursors: HashMap<[u8; 32], usize>,
    /// The error that ends the listing, yielded once `pending` is empty.
    stopped: Option<Error>,
}

impl Listing {
    /// The next item: from the current page, else from the next one.
    async fn next_item(&mut self) -> Option<Result<SubscriptionInfo, Error>> {
        loop {
            if let Some(subscription) = self.pending.pop_front() {
                return Some(Ok(subscription));
            }
            if let Some(error) = self.stopped.take() {
                return Some(Err(error));
            }
            if !self.more {
                return None;
            }
            if let Err(error) = self.read_page().await {
                self.more = false;
                self.stopped = Some(error);
            }
        }
    }

    /// Reads the next page into `pending` and decides whether there is one after it.
    async fn read_page(&mut self) -> Result<(), Error> {
        let page = self.pages + 1;
        let mut url =
            reqwest::Url::parse(&format!("{}/core/v1/subscriptions", self.client.base_url()))
                .map_err(|e| Error::config(format!("could not build the request URL: {e}")))?;
        if let Some(cursor) = &self.cursor {
            // Both spellings Tray's sources use, with the same value (see the module's docs).
            url.query_pairs_mut()
                .append_pair("cursor", cursor)
                .append_pair("after", cursor);
        }
        let request = self
            .client
            .request_to(RequestKind::Read, "GET", url.as_str(), None)?;
        let body = self.client.send(request).await?;
        let answer: Page = decode_slice(&body, "List Subscriptions response")?;
        self.pages = page;
        let info = answer.page_info;
        if !info.has_next_page {
            self.more = false;
            self.pending.extend(answer.elements);
            return Ok(());
        }
        let Some(cursor) = info.end_cursor.filter(|c| !c.is_empty()) else {
            self.pending.extend(answer.elements);
            return Err(Error::Paging {
                what: WHAT,
                page,
                reason: "it reports more subscriptions (hasNextPage) but gives no endCursor \
                         to ask for them with"
                    .to_owned(),
            });
        };
        let digest: [u8; 32] = Sha256::digest(cursor.as_bytes()).into();
        if let Some(&earlier) = self.cursors.get(&digest) {
            // The same page again: its subscriptions were yielded already.
            return Err(Error::Paging {
                what: WHAT,
                page,
                reason: format!(
                    "its endCursor is the one page {earlier} gave, as if the server ignored \
                     the cursor sent (as `cursor` and `after`); following it would read the \
                     same pages for ever"
                ),
            });
        }
        self.cursors.insert(digest, page);
        self.cursor = Some(cursor);
        self.pending.extend(answer.elements);
        Ok(())
    }
}

impl Client {
    /// List Subscriptions: every subscription of the account (the token's), following the
    /// pages, as a stream (keys are not listed: Tray shows a key only at creation).
    ///
    /// ```no_run
    /// # async fn run(client: tray_connect::Client) -> Result<(), tray_connect::Error> {
    /// let mut subscriptions = client.subscriptions();
    /// while let Some(subscription) = subscriptions.next().await {
    ///     let subscription = subscription?;
    ///     println!("{} {} -> {}", subscription.id, subscription.state, subscription.endpoint);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// Each page is a read: retried, timed out and rate limited like the other reads. The next
    /// page's cursor (`pageInfo.endCursor`) is sent both as `cursor` (Tray's OpenAPI) and as
    /// `after` (Tray's reference page), since the sources disagree; a cursor the server gives
    /// twice ends the stream with [`Error::Paging`] rather than reading the same page for ever.
    pub fn subscriptions(&self) -> Subscriptions {
        let listing = Listing {
            client: self.clone(),
            pending: VecDeque::new(),
            cursor: None,
            more: true,
            pages: 0,
            cursors: HashMap::new(),
            stopped: None,
        };
        let stream = futures_util::stream::unfold(listing, |mut listing| async move {
            let item = listing.next_item().await?;
            Some((item, listing))
        });
        Subscriptions {
            // Fused: `unfold` must not be polled again once it has ended.
            stream: Box::pin(stream.fuse()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subscriptions_are_send_and_debug() {
        fn send<T: Send>(_: &T) {}
        let client = Client::new("token").unwrap();
        let subscriptions = client.subscriptions();
        send(&subscriptions);
        assert_eq!(format!("{subscriptions:?}"), "Subscriptions { .. }");
    }

    #[test]
    fn a_page_decodes_tolerantly() {
        let page: Page = serde_json::from_str(r#"{"pageInfo": null}"#).unwrap();
        assert!(page.elements.is_empty());
        assert!(!page.page_info.has_next_page);
        let page: Page = serde_json::from_str(
            r#"{"elements": [{"id": "s1"}], "pageInfo": {"hasNextPage": true, "endCursor": "c1",
                "startCursor": "c0", "hasPreviousPage": false}}"#,
        )
        .unwrap();
        assert_eq!(page.elements[0].id, "s1");
        assert_eq!(page.page_info.end_cursor.as_deref(), Some("c1"));
    }
}
