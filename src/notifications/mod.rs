//! Email notifications: the outbox, its sender and daily digests, and each person's settings.

pub mod entities;
pub mod graphql;
pub mod links;
pub mod mailer;
pub mod service;
pub mod signing;
pub mod unsubscribe;

pub use service::{NewNotification, cancel_pending};
