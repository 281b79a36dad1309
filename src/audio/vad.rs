//! Frame-level voice activity: earshot's small neural VAD, gated by a level floor.
//!
//! earshot scores 16 ms frames of 16 kHz audio; the level floor stops very quiet frames
//! (line hiss, dither) from ever counting as speech, whatever the network says.

use earshot::Detector;

/// Samples per VAD frame: 16 ms at 16 kHz, fixed by earshot.
pub const FRAME_LEN: usize = 256;
/// Duration of one VAD frame in milliseconds.
pub const FRAME_MS: u64 = 16;
/// earshot score at or above which a frame is speech. Speech frames mostly score > 0.8,
/// white noise (even at -14 dBFS) < 0.7, so 0.7 rather than earshot's suggested 0.5.
pub const SPEECH_THRESHOLD: f32 = 0.7;
/// Frames quieter than this RMS (about -50 dBFS) are never speech.
pub const MIN_SPEECH_RMS: f32 = 0.003;

/// Classifies consecutive 16 ms frames of one stream as speech or not.
pub struct FrameVad {
    detector: Box<Detector>,
    frame: [f32; FRAME_LEN],
}

impl Default for FrameVad {
    fn default() -> Self {
        Self::new()
    }
}

impl FrameVad {
    pub fn new() -> Self {
        FrameVad {
            detector: Detector::default_boxed(),
            frame: [0.0; FRAME_LEN],
        }
    }

    /// Forgets the stream so far (call between unrelated recordings).
    pub fn reset(&mut self) {
        self.detector.reset();
    }

    /// Speech score of the next frame in [0, 1]; 0 for frames below the level floor.
    /// `frame` must hold `FRAME_LEN` samples; a shorter one is padded with silence.
    pub fn score(&mut self, frame: &[f32]) -> f32 {
        self.frame.fill(0.0);
        let mut energy = 0.0f32;
        for (dst, &x) in self.frame.iter_mut().zip(frame) {
            // earshot expects finite samples in [-1, 1].
            let x = if x.is_finite() {
                x.clamp(-1.0, 1.0)
            } else {
                0.0
            };
            *dst = x;
            energy += x * x;
        }
        // The detector always sees the frame, so its context stays continuous.
        let score = self.detector.predict_f32(&self.frame);
        let rms = (energy / FRAME_LEN as f32).sqrt();
        if rms < MIN_SPEECH_RMS {
            0.0
        } else {
            score.clamp(0.0, 1.0)
        }
    }
}
