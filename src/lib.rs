//! yoyaku: a local voice agent that answers booking calls for restaurants and clinics.
//!
//! Data flows one way: audio → utterances → text → slots (`extract`, driven by
//! `grammars/`) → a dialogue decision (`dialogue`, pure) → the reservation book
//! (`store`) → reply text → speech.

pub mod audio;
pub mod commands;
pub mod dialogue;
pub mod examples;
pub mod extract;
pub mod grammar;
pub mod profile;
pub mod session;
pub mod store;
pub mod kiosk;
pub mod live;
pub mod serve;
pub mod tts;
pub mod asr;
pub mod model;
