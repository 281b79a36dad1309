//! The Asterisk AudioSocket wire format: each message is a 1-byte kind, a 2-byte
//! big-endian payload length and the payload. This module turns bytes into
//! `Frame`s and back, and rejects anything malformed with a clear error so a bad
//! peer ends only its own call.

use anyhow::{bail, Result};
use tokio::io::{AsyncRead, AsyncReadExt};

pub const KIND_HANGUP: u8 = 0x00;
pub const KIND_UUID: u8 = 0x01;
pub const KIND_DTMF: u8 = 0x03;
pub const KIND_SLIN8: u8 = 0x10;
pub const KIND_ERROR: u8 = 0xff;

/// 20 ms of 8 kHz 16-bit mono: what Asterisk sends and what we send back.
pub const SAMPLES_PER_FRAME_8K: usize = 160;

/// One AudioSocket message.
#[derive(Debug, Clone, PartialEq)]
pub enum Frame {
    Hangup,
    /// The call's UUID, always the first message of a call.
    Uuid([u8; 16]),
    Dtmf(char),
    /// Signed 16-bit little-endian mono PCM at `rate` Hz.
    Audio { rate: u32, samples: Vec<i16> },
    /// Error from Asterisk, with its optional application-specific code bytes.
    Error(Vec<u8>),
}

/// Sample rate of an audio message kind (0x10 = 8 kHz; newer Asterisk adds
/// 0x11..=0x18 for higher rates, see res_audiosocket), or None if not audio.
pub fn audio_rate(kind: u8) -> Option<u32> {
    Some(match kind {
        0x10 => 8_000,
        0x11 => 12_000,
        0x12 => 16_000,
        0x13 => 24_000,
        0x14 => 32_000,
        0x15 => 44_100,
        0x16 => 48_000,
        0x17 => 96_000,
        0x18 => 192_000,
        _ => return None,
    })
}

fn audio_kind(rate: u32) -> Option<u8> {
    (0x10..=0x18).find(|k| audio_rate(*k) == Some(rate))
}

/// Decode one message from its kind and payload.
pub fn decode(kind: u8, payload: &[u8]) -> Result<Frame> {
    Ok(match kind {
        KIND_HANGUP => Frame::Hangup,
        KIND_UUID => {
            let Ok(id) = <[u8; 16]>::try_from(payload) else {
                bail!("UUID message has {} bytes, expected 16", payload.len());
            };
            Frame::Uuid(id)
        }
        KIND_DTMF => match payload {
            [d] if d.is_ascii_digit() || b"*#ABCDabcd".contains(d) => Frame::Dtmf(*d as char),
            _ => bail!("DTMF message is not one digit: {payload:02x?}"),
        },
        KIND_ERROR => Frame::Error(payload.to_vec()),
        k => match audio_rate(k) {
            Some(rate) => {
                if !payload.len().is_multiple_of(2) {
                    bail!("audio message has an odd length {}", payload.len());
                }
                let samples = payload
                    .chunks_exact(2)
                    .map(|b| i16::from_le_bytes([b[0], b[1]]))
                    .collect();
                Frame::Audio { rate, samples }
            }
            None => bail!("unknown AudioSocket message kind 0x{k:02x}"),
        },
    })
}

/// The bytes of one message.
pub fn encode(frame: &Frame) -> Vec<u8> {
    let (kind, payload): (u8, Vec<u8>) = match frame {
        Frame::Hangup => (KIND_HANGUP, Vec::new()),
        Frame::Uuid(id) => (KIND_UUID, id.to_vec()),
        Frame::Dtmf(d) => (KIND_DTMF, vec![*d as u8]),
        Frame::Error(code) => (KIND_ERROR, code.clone()),
        Frame::Audio { rate, samples } => (
            audio_kind(*rate).unwrap_or(KIND_SLIN8),
            samples.iter().flat_map(|s| s.to_le_bytes()).collect(),
        ),
    };
    let len = payload.len().min(u16::MAX as usize);
    let mut out = Vec::with_capacity(3 + len);
    out.push(kind);
    out.extend_from_slice(&(len as u16).to_be_bytes());
    out.extend_from_slice(&payload[..len]);
    out
}

/// An 8 kHz audio message (what we answer with).
pub fn audio8k(samples: &[i16]) -> Vec<u8> {
    encode(&Frame::Audio { rate: 8_000, samples: samples.to_vec() })
}

/// Read the next message. `Ok(None)` is a clean end of stream between messages;
/// a stream that ends inside a message is a "truncated" error.
pub async fn read_frame<R: AsyncRead + Unpin>(r: &mut R) -> Result<Option<Frame>> {
    let mut header = [0u8; 3];
    let mut got = 0;
    while got < 3 {
        let n = r.read(&mut header[got..]).await?;
        if n == 0 {
            if got == 0 {
                return Ok(None);
            }
            bail!("truncated AudioSocket header ({got} of 3 bytes)");
        }
        got += n;
    }
    let kind = header[0];
    let len = u16::from_be_bytes([header[1], header[2]]) as usize;
    // Reject unknown kinds before reading a payload whose length is garbage too.
    if !matches!(kind, KIND_HANGUP | KIND_UUID | KIND_DTMF | KIND_ERROR) && audio_rate(kind).is_none() {
        bail!("unknown AudioSocket message kind 0x{kind:02x}");
    }
    let mut payload = vec![0u8; len];
    if let Err(e) = r.read_exact(&mut payload).await {
        if e.kind() == std::io::ErrorKind::UnexpectedEof {
            bail!("truncated AudioSocket message: kind 0x{kind:02x} promised {len} bytes");
        }
        return Err(e.into());
    }
    decode(kind, &payload).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn parse_all(bytes: &[u8]) -> Result<Vec<Frame>> {
        let mut r = bytes;
        let mut out = Vec::new();
        while let Some(f) = read_frame(&mut r).await? {
            out.push(f);
        }
        Ok(out)
    }

    #[tokio::test]
    async fn well_formed_messages_decode() {
        let uuid: Vec<u8> = (0u8..16).collect();
        let table: Vec<(Vec<u8>, Frame)> = vec![
            (vec![0x00, 0, 0], Frame::Hangup),
            ([vec![0x01, 0, 16], uuid.clone()].concat(), Frame::Uuid(uuid.clone().try_into().unwrap())),
            (vec![0x03, 0, 1, b'7'], Frame::Dtmf('7')),
            (vec![0x03, 0, 1, b'#'], Frame::Dtmf('#')),
            (vec![0x10, 0, 4, 0x01, 0x00, 0xff, 0xff], Frame::Audio { rate: 8000, samples: vec![1, -1] }),
            (vec![0x12, 0, 2, 0x00, 0x80], Frame::Audio { rate: 16000, samples: vec![i16::MIN] }),
            (vec![0x16, 0, 0], Frame::Audio { rate: 48000, samples: vec![] }),
            (vec![0xff, 0, 1, 0x02], Frame::Error(vec![2])),
        ];
        for (bytes, want) in table {
            assert_eq!(parse_all(&bytes).await.unwrap(), vec![want.clone()], "{bytes:02x?}");
            // And back again.
            assert_eq!(encode(&want), bytes);
        }
    }

    #[tokio::test]
    async fn malformed_input_is_an_error_not_a_panic() {
        let table: Vec<(&str, Vec<u8>, &str)> = vec![
            ("truncated header", vec![0x10, 0], "truncated"),
            ("truncated payload", vec![0x10, 0, 160, 1, 2, 3], "truncated"),
            ("unknown kind", vec![0x42, 0, 0], "unknown"),
            ("garbage", b"GET / HTTP/1.1\r\n".to_vec(), "unknown"),
            ("short uuid", vec![0x01, 0, 3, 1, 2, 3], "16"),
            ("odd audio", vec![0x10, 0, 3, 1, 2, 3], "odd"),
            ("bad dtmf", vec![0x03, 0, 1, b'x'], "DTMF"),
            ("empty dtmf", vec![0x03, 0, 0], "DTMF"),
        ];
        for (name, bytes, needle) in table {
            let err = parse_all(&bytes).await.expect_err(name);
            assert!(format!("{err:#}").contains(needle), "{name}: {err:#}");
        }
    }

    #[tokio::test]
    async fn a_stream_of_frames_splits_at_boundaries() {
        let mut bytes = audio8k(&[0; SAMPLES_PER_FRAME_8K]);
        bytes.extend(encode(&Frame::Dtmf('1')));
        bytes.extend(encode(&Frame::Hangup));
        let frames = parse_all(&bytes).await.unwrap();
        assert_eq!(frames.len(), 3);
        assert_eq!(frames[2], Frame::Hangup);
        assert_eq!(bytes.len(), 3 + 320 + 4 + 3);
    }

    #[test]
    fn rates_round_trip() {
        for k in 0x10..=0x18u8 {
            assert_eq!(audio_kind(audio_rate(k).unwrap()), Some(k));
        }
        assert_eq!(audio_rate(0x19), None);
    }
}
