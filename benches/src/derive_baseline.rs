//! The input and output types of the synthetic document's `operation_0`, written as a user would with
//! serde's derives (`#[serde(flatten)]` catch-all, `#[serde(untagged)] Unknown` enums): the
//! baseline of the typed decoding row in BENCHMARKS.md. Taken from the bon crate that
//! `python3 benches/compile_cost.py --only operation_0` writes (benches/work/bon_baseline_only),
//! without bon's builder attributes.
#![allow(missing_docs)]
use serde::{Deserialize, Serialize};

/// Operation0
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Operation0 {
    /// Account 0
    ///
    /// The account used by operation 0 (field 0).
    pub account_0: String,
    /// Message 1
    ///
    /// The message used by operation 0 (field 1).
    pub record_1: i64,
    /// Label 2
    ///
    /// The label used by operation 0 (field 2).
    pub channel_2: bool,
    /// Target 3
    ///
    /// The target used by operation 0 (field 3).
    pub message_3: Operation0Message3,
    /// Folder 4
    ///
    /// The folder used by operation 0 (field 4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_4: Option<Vec<String>>,
    /// Project 5
    ///
    /// The project used by operation 0 (field 5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_5: Option<Operation0Status5>,
    /// Channel 6
    ///
    /// The channel used by operation 0 (field 6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_6: Option<String>,
    /// Status 7
    ///
    /// The status used by operation 0 (field 7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region_7: Option<Vec<Operation0Region7Item>>,
    /// Source 8
    ///
    /// The source used by operation 0 (field 8).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_8: Option<f64>,
    /// Member 9
    ///
    /// The member used by operation 0 (field 9).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_9: Option<Operation0Target9>,
    /// Ticket 10
    ///
    /// The ticket used by operation 0 (field 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_10: Option<String>,
    /// Record 11
    ///
    /// The record used by operation 0 (field 11).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_11: Option<Operation0Member11>,
    /// Owner 12
    ///
    /// The owner used by operation 0 (field 12).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub folder_12: Option<String>,
    /// Region 13
    ///
    /// The region used by operation 0 (field 13).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice_13: Option<i64>,
    /// Policy 14
    ///
    /// The policy used by operation 0 (field 14).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket_14: Option<bool>,
    /// Invoice 15
    ///
    /// The invoice used by operation 0 (field 15).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_15: Option<Operation0Project15>,
}

/// Target 3
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Operation0Message3 {
    /// `message`
    #[serde(rename = "message")]
    Message,
    /// `owner-1`
    #[serde(rename = "owner-1")]
    Owner1,
    /// `status`
    #[serde(rename = "status")]
    Status,
    /// `label-3`
    #[serde(rename = "label-3")]
    Label3,
    /// `region`
    #[serde(rename = "region")]
    Region,
    /// `source-5`
    #[serde(rename = "source-5")]
    Source5,
}

/// Operation0Status5
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Operation0Status5 {
    /// Record 0
    ///
    /// The record.
    pub status_0: Operation0Status5Status0,
    /// Owner 1
    ///
    /// The owner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_1: Option<String>,
    /// Region 2
    ///
    /// The region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region_2: Option<i64>,
    /// Policy 3
    ///
    /// The policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_3: Option<Operation0Status5Source3>,
}

/// Operation0Status5Status0
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Operation0Status5Status0 {
    /// Channel 0
    ///
    /// The channel.
    pub account_0: String,
    /// Status 1
    ///
    /// The status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_1: Option<i64>,
}

/// Policy 3
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Operation0Status5Source3 {
    /// `message`
    #[serde(rename = "message")]
    Message,
    /// `owner-1`
    #[serde(rename = "owner-1")]
    Owner1,
    /// `status`
    #[serde(rename = "status")]
    Status,
    /// `label-3`
    #[serde(rename = "label-3")]
    Label3,
    /// `region`
    #[serde(rename = "region")]
    Region,
    /// `source-5`
    #[serde(rename = "source-5")]
    Source5,
}

/// Operation0Region7Item
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Operation0Region7Item {
    /// Record 0
    ///
    /// The record.
    pub region_0: Operation0Region7ItemRegion0,
    /// Owner 1
    ///
    /// The owner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_1: Option<Vec<String>>,
    /// Region 2
    ///
    /// The region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_2: Option<bool>,
}

/// Record 0
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Operation0Region7ItemRegion0 {
    /// `account`
    #[serde(rename = "account")]
    Account,
    /// `record-1`
    #[serde(rename = "record-1")]
    Record1,
    /// `channel`
    #[serde(rename = "channel")]
    Channel,
}

/// Member 9
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Operation0Target9 {
    /// `owner`
    #[serde(rename = "owner")]
    Owner,
    /// `status-1`
    #[serde(rename = "status-1")]
    Status1,
    /// `label`
    #[serde(rename = "label")]
    Label,
    /// `region-3`
    #[serde(rename = "region-3")]
    Region3,
}

/// Operation0Member11
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Operation0Member11 {
    /// Record 0
    ///
    /// The record.
    pub member_0: Operation0Member11Member0,
    /// Owner 1
    ///
    /// The owner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub folder_1: Option<String>,
    /// Region 2
    ///
    /// The region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice_2: Option<i64>,
    /// Policy 3
    ///
    /// The policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket_3: Option<Operation0Member11Ticket3>,
}

/// Operation0Member11Member0
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Operation0Member11Member0 {
    /// Channel 0
    ///
    /// The channel.
    pub account_0: String,
    /// Status 1
    ///
    /// The status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_1: Option<i64>,
}

/// Policy 3
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Operation0Member11Ticket3 {
    /// `message`
    #[serde(rename = "message")]
    Message,
    /// `owner-1`
    #[serde(rename = "owner-1")]
    Owner1,
    /// `status`
    #[serde(rename = "status")]
    Status,
    /// `label-3`
    #[serde(rename = "label-3")]
    Label3,
    /// `region`
    #[serde(rename = "region")]
    Region,
    /// `source-5`
    #[serde(rename = "source-5")]
    Source5,
}

/// Invoice 15
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Operation0Project15 {
    /// `account`
    #[serde(rename = "account")]
    Account,
    /// `record-1`
    #[serde(rename = "record-1")]
    Record1,
    /// `channel`
    #[serde(rename = "channel")]
    Channel,
    /// `message-3`
    #[serde(rename = "message-3")]
    Message3,
    /// `owner`
    #[serde(rename = "owner")]
    Owner,
    /// `status-5`
    #[serde(rename = "status-5")]
    Status5,
}

/// Operation0Output
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Operation0Output {
    /// Region 0
    ///
    /// The region used by operation 1 (field 0).
    pub record_0: i64,
    /// Policy 1
    ///
    /// The policy used by operation 1 (field 1).
    pub channel_1: bool,
    /// Invoice 2
    ///
    /// The invoice used by operation 1 (field 2).
    pub message_2: Operation0OutputMessage2,
    /// Account 3
    ///
    /// The account used by operation 1 (field 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_3: Option<Vec<String>>,
    /// Message 4
    ///
    /// The message used by operation 1 (field 4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_4: Option<Operation0OutputStatus4>,
    /// Label 5
    ///
    /// The label used by operation 1 (field 5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_5: Option<String>,
    /// Target 6
    ///
    /// The target used by operation 1 (field 6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region_6: Option<Vec<Operation0OutputRegion6Item>>,
    /// Folder 7
    ///
    /// The folder used by operation 1 (field 7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_7: Option<f64>,
    /// Project 8
    ///
    /// The project used by operation 1 (field 8).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_8: Option<Operation0OutputTarget8>,
    /// Channel 9
    ///
    /// The channel used by operation 1 (field 9).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_9: Option<String>,
    /// Status 10
    ///
    /// The status used by operation 1 (field 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_10: Option<Operation0OutputMember10>,
    /// Source 11
    ///
    /// The source used by operation 1 (field 11).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub folder_11: Option<String>,
    /// Member 12
    ///
    /// The member used by operation 1 (field 12).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice_12: Option<i64>,
    /// Ticket 13
    ///
    /// The ticket used by operation 1 (field 13).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket_13: Option<bool>,
    /// Record 14
    ///
    /// The record used by operation 1 (field 14).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_14: Option<Operation0OutputProject14>,
    /// Owner 15
    ///
    /// The owner used by operation 1 (field 15).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_15: Option<Vec<String>>,
    /// Unlisted fields.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Invoice 2
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Operation0OutputMessage2 {
    /// `channel`
    #[serde(rename = "channel")]
    Channel,
    /// `message-1`
    #[serde(rename = "message-1")]
    Message1,
    /// `owner`
    #[serde(rename = "owner")]
    Owner,
    /// `status-3`
    #[serde(rename = "status-3")]
    Status3,
    /// `label`
    #[serde(rename = "label")]
    Label,
    /// `region-5`
    #[serde(rename = "region-5")]
    Region5,
    /// Unknown value.
    #[serde(untagged)]
    Unknown(String),
}

/// Operation0OutputStatus4
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Operation0OutputStatus4 {
    /// Source 0
    ///
    /// The source.
    pub owner_0: Operation0OutputStatus4Owner0,
    /// Member 1
    ///
    /// The member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_1: Option<String>,
    /// Ticket 2
    ///
    /// The ticket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_2: Option<i64>,
    /// Record 3
    ///
    /// The record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region_3: Option<Operation0OutputStatus4Region3>,
    /// Unlisted fields.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Operation0OutputStatus4Owner0
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Operation0OutputStatus4Owner0 {
    /// Target 0
    ///
    /// The target.
    pub account_0: i64,
    /// Folder 1
    ///
    /// The folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_1: Option<Operation0OutputStatus4Owner0Record1>,
    /// Unlisted fields.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Folder 1
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Operation0OutputStatus4Owner0Record1 {
    /// `record`
    #[serde(rename = "record")]
    Record,
    /// `channel-1`
    #[serde(rename = "channel-1")]
    Channel1,
    /// `message`
    #[serde(rename = "message")]
    Message,
    /// `owner-3`
    #[serde(rename = "owner-3")]
    Owner3,
    /// `status`
    #[serde(rename = "status")]
    Status,
    /// Unknown value.
    #[serde(untagged)]
    Unknown(String),
}

/// Record 3
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Operation0OutputStatus4Region3 {
    /// `message`
    #[serde(rename = "message")]
    Message,
    /// `owner-1`
    #[serde(rename = "owner-1")]
    Owner1,
    /// `status`
    #[serde(rename = "status")]
    Status,
    /// Unknown value.
    #[serde(untagged)]
    Unknown(String),
}

/// Operation0OutputRegion6Item
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Operation0OutputRegion6Item {
    /// Source 0
    ///
    /// The source.
    pub label_0: Operation0OutputRegion6ItemLabel0,
    /// Member 1
    ///
    /// The member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region_1: Option<Vec<String>>,
    /// Ticket 2
    ///
    /// The ticket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_2: Option<bool>,
    /// Unlisted fields.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Source 0
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Operation0OutputRegion6ItemLabel0 {
    /// `account`
    #[serde(rename = "account")]
    Account,
    /// `record-1`
    #[serde(rename = "record-1")]
    Record1,
    /// `channel`
    #[serde(rename = "channel")]
    Channel,
    /// `message-3`
    #[serde(rename = "message-3")]
    Message3,
    /// Unknown value.
    #[serde(untagged)]
    Unknown(String),
}

/// Project 8
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Operation0OutputTarget8 {
    /// `message`
    #[serde(rename = "message")]
    Message,
    /// `owner-1`
    #[serde(rename = "owner-1")]
    Owner1,
    /// `status`
    #[serde(rename = "status")]
    Status,
    /// `label-3`
    #[serde(rename = "label-3")]
    Label3,
    /// Unknown value.
    #[serde(untagged)]
    Unknown(String),
}

/// Operation0OutputMember10
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Operation0OutputMember10 {
    /// Source 0
    ///
    /// The source.
    pub policy_0: Operation0OutputMember10Policy0,
    /// Member 1
    ///
    /// The member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_1: Option<String>,
    /// Ticket 2
    ///
    /// The ticket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub folder_2: Option<i64>,
    /// Record 3
    ///
    /// The record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice_3: Option<Operation0OutputMember10Invoice3>,
    /// Unlisted fields.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Operation0OutputMember10Policy0
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Operation0OutputMember10Policy0 {
    /// Target 0
    ///
    /// The target.
    pub account_0: i64,
    /// Folder 1
    ///
    /// The folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_1: Option<Operation0OutputMember10Policy0Record1>,
    /// Unlisted fields.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Folder 1
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Operation0OutputMember10Policy0Record1 {
    /// `record`
    #[serde(rename = "record")]
    Record,
    /// `channel-1`
    #[serde(rename = "channel-1")]
    Channel1,
    /// `message`
    #[serde(rename = "message")]
    Message,
    /// `owner-3`
    #[serde(rename = "owner-3")]
    Owner3,
    /// `status`
    #[serde(rename = "status")]
    Status,
    /// Unknown value.
    #[serde(untagged)]
    Unknown(String),
}

/// Record 3
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Operation0OutputMember10Invoice3 {
    /// `message`
    #[serde(rename = "message")]
    Message,
    /// `owner-1`
    #[serde(rename = "owner-1")]
    Owner1,
    /// `status`
    #[serde(rename = "status")]
    Status,
    /// Unknown value.
    #[serde(untagged)]
    Unknown(String),
}

/// Record 14
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Operation0OutputProject14 {
    /// `owner`
    #[serde(rename = "owner")]
    Owner,
    /// `status-1`
    #[serde(rename = "status-1")]
    Status1,
    /// `label`
    #[serde(rename = "label")]
    Label,
    /// `region-3`
    #[serde(rename = "region-3")]
    Region3,
    /// `source`
    #[serde(rename = "source")]
    Source,
    /// `target-5`
    #[serde(rename = "target-5")]
    Target5,
    /// Unknown value.
    #[serde(untagged)]
    Unknown(String),
}
