//! Two kinds of error: what the admin did wrong (shown to them, localised, nothing
//! changed) and everything else (logged with context; they see "something went wrong,
//! nothing was changed" and an error id).

use chrono::{DateTime, Utc};

use crate::domain::{
    catalogue::NameError,
    records::{GuildId, UserId},
    EntryError, KeyRefusal, LicenseRefusal, RecheckRefusal, RuleError,
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserError {
    /// The command was used outside a server.
    NotInGuild,
    /// Neither Manage Server nor the manager role.
    NotAllowed,
    SubscriptionNotFound,
    /// An activation's name is not a name a subscription can have.
    InvalidName(NameError),
    /// The guild has a subscription of this name already (case-insensitively); `deleted`
    /// when it is a deleted one, which keeps its name.
    NameTaken {
        name: String,
        deleted: bool,
    },
    NoKeysEntered,
    TooManyKeys {
        max: usize,
        entered: usize,
    },
    /// One entry per refused key, each with its own cause.
    KeysRefused(Vec<KeyRefusal>),
    Rule(RuleError),
    LockedOut {
        until: DateTime<Utc>,
    },
    /// No such order in this guild (a forged or stale button, or another guild's order).
    OrderNotFound,
    NotYourOrder,
    OrderExpired,
    OrderCancelled,
    OrderRedeemed {
        by: UserId,
        at: DateTime<Utc>,
    },
    /// A key of the order was redeemed elsewhere in the meantime.
    KeyTaken {
        tail: String,
        by: UserId,
        guild: GuildId,
        at: DateTime<Utc>,
    },
    /// A license could not be assigned, unassigned, requested or decided.
    License(LicenseRefusal),
    /// The vendor suspended the subscription: nothing is redeemed on it or assigned from it.
    Suspended {
        subscription: String,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("refused: {0:?}")]
    User(UserError),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<UserError> for AppError {
    fn from(e: UserError) -> AppError {
        AppError::User(e)
    }
}

impl From<RuleError> for AppError {
    fn from(e: RuleError) -> AppError {
        match e {
            // An order read with the wrong kind of subject is licensebot's fault.
            RuleError::KindMismatch { .. } => AppError::Internal(anyhow::Error::new(e)),
            e => AppError::User(UserError::Rule(e)),
        }
    }
}

impl From<NameError> for AppError {
    fn from(e: NameError) -> AppError {
        AppError::User(UserError::InvalidName(e))
    }
}

impl From<LicenseRefusal> for AppError {
    fn from(e: LicenseRefusal) -> AppError {
        AppError::User(UserError::License(e))
    }
}

impl From<EntryError> for AppError {
    fn from(e: EntryError) -> AppError {
        AppError::User(match e {
            EntryError::NoKeys => UserError::NoKeysEntered,
            EntryError::TooManyKeys { max, entered } => UserError::TooManyKeys { max, entered },
        })
    }
}

impl From<RecheckRefusal> for AppError {
    fn from(e: RecheckRefusal) -> AppError {
        AppError::User(match e {
            RecheckRefusal::TakenInGuild { tail, by } => UserError::KeyTaken {
                tail: tail.to_string(),
                by: by.user,
                guild: by.guild,
                at: by.at,
            },
            RecheckRefusal::Refused(refusals) => UserError::KeysRefused(refusals),
        })
    }
}

impl AppError {
    pub fn user(&self) -> Option<&UserError> {
        match self {
            AppError::User(e) => Some(e),
            AppError::Internal(_) => None,
        }
    }
}

/// A request of the operator's or the shop's that is refused, naming the field at fault:
/// the command line prints the message, the API answers with a problem naming the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub kind: InputErrorKind,
    /// The field at fault, as the API spells it (`seats`, `keys[2].term`), if one is.
    pub field: Option<String>,
    /// What is wrong, without the value refused: the API's answer. (A key typed into the
    /// wrong field would otherwise come back in it.)
    pub message: String,
    /// The same for the operator's command line, which may show the value they typed
    /// ("unknown product NOPE"); the message when `None`.
    pub for_operator: Option<String>,
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.for_operator.as_deref().unwrap_or(&self.message))
    }
}

impl std::error::Error for InputError {}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputErrorKind {
    /// A value that is not allowed.
    Invalid,
    /// Something that is not there (a token, an endpoint, a delivery).
    NotFound,
    /// It clashes with what is stored (a product's SKU, an imported key).
    Conflict,
}

impl InputError {
    pub fn invalid(field: impl Into<String>, message: impl std::fmt::Display) -> InputError {
        InputError {
            kind: InputErrorKind::Invalid,
            field: Some(field.into()),
            message: message.to_string(),
            for_operator: None,
        }
    }

    pub fn conflict(field: impl Into<String>, message: impl std::fmt::Display) -> InputError {
        InputError {
            kind: InputErrorKind::Conflict,
            field: Some(field.into()),
            message: message.to_string(),
            for_operator: None,
        }
    }

    /// What the command line says instead of the message: it may quote the value refused.
    pub fn for_operator(mut self, text: impl std::fmt::Display) -> InputError {
        self.for_operator = Some(text.to_string());
        self
    }

    pub fn not_found(message: impl std::fmt::Display) -> InputError {
        InputError {
            kind: InputErrorKind::NotFound,
            field: None,
            message: message.to_string(),
            for_operator: None,
        }
    }
}
