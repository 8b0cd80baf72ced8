//! The monitoring: indicators, their owners, data deliveries, reviews and reminder schedules.

pub mod entities;
pub mod reminders;
pub mod timing;
