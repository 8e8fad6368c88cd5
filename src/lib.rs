//! qmvc: a qmail-local delivery filter in the style of QMVC (Qmail Mail and
//! Virus Control).
//!
//! qmail-local runs `qmvc` from the first line of a dot-qmail file for every
//! locally delivered message (qmail-command(8)). qmvc reads the envelope from
//! the environment and the message from stdin, checks it against the badmail
//! conditions of the recipient's security profile and the anti-virus chain,
//! carries out the profile's action, logs one line, and steers qmail-local
//! with its exit code: 0 pass, 99 taken out, 100 bounce, 111 defer.
//!
//! Data flows one way: [`envelope`] and [`message`] are built from the
//! input; [`rules`] and [`engines`] produce findings; [`verdict`] turns them
//! into a plan; [`app`] (the only effectful layer with [`actions`]) carries
//! it out; `main` turns the [`exit::Exit`] into the process status.

pub mod actions;
pub mod app;
pub mod cli;
pub mod config;
pub mod container;
mod embedded;
pub mod engines;
pub mod envelope;
pub mod error;
pub mod escape;
pub mod exit;
pub mod i18n;
pub mod message;
pub mod notify;
pub mod profile;
pub mod rules;
pub mod verdict;
