//! Email notifications: the outbox, its sender, daily digests and each person's calendar feed.

pub mod calendar;
pub mod entities;
pub mod graphql;
pub mod mailer;
pub mod service;

pub use service::{NewNotification, cancel_pending, enqueue};
