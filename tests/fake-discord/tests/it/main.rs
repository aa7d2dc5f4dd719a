//! The fake Discord's own tests, as one test binary (test paths read `callbacks::…`,
//! `refusals::…`, `serenity_client::…`): a real serenity client drives the fake, and
//! serenity and the fixtures in [`common`] are linked once, not once per file.

mod common;

mod callbacks;
mod members;
mod refusals;
mod serenity_client;
