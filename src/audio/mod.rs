//! Audio in: WAV decoding to 16 kHz mono f32, resampling, voice activity and endpointing.
//!
//! Everything downstream (whisper, the kiosk, the phone line) works on `SAMPLE_RATE`
//! mono f32 samples in [-1, 1]; this module is the only place that knows about files,
//! codecs and other rates.

mod endpoint;
pub mod g711;
mod resample;
mod vad;
mod wav;

pub use endpoint::{
    has_speech, split_utterances, trim_to_speech, EndpointConfig, Endpointer, Utterance,
};
pub use resample::{resample, StreamResampler, MAX_RATE_HZ, MIN_RATE_HZ};
pub use vad::{FrameVad, FRAME_LEN, FRAME_MS};
pub use wav::{decode_wav, decode_wav_limited, load_wav, MAX_FILE_BYTES};

/// The sample rate of every buffer this module hands out.
pub const SAMPLE_RATE: u32 = 16_000;

/// Longest audio `decode_wav` accepts, in seconds (a booking turn is far shorter).
pub const MAX_AUDIO_SECS: u32 = 600;
