//! G.711 companding (mu-law and A-law), the 8-bit codecs of telephone audio.
//!
//! hound does not read G.711 WAVs, so `wav` decodes their bytes here. The encoders are
//! for the way out (speech to an 8 kHz phone line) and for building test files.
//! Formulas follow ITU-T G.711 (the same as the reference `g711.c`).

/// Decodes one mu-law byte to a 16-bit linear sample (range ±32124).
pub fn ulaw_to_linear(byte: u8) -> i16 {
    let u = !byte;
    let exponent = (u >> 4) & 0x07;
    let mantissa = (u & 0x0F) as i32;
    let magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84;
    if u & 0x80 != 0 {
        -magnitude as i16
    } else {
        magnitude as i16
    }
}

/// Decodes one A-law byte to a 16-bit linear sample (range ±32256).
pub fn alaw_to_linear(byte: u8) -> i16 {
    let a = byte ^ 0x55;
    let exponent = (a >> 4) & 0x07;
    let mantissa = (a & 0x0F) as i32;
    let magnitude = if exponent == 0 {
        (mantissa << 4) + 8
    } else {
        ((mantissa << 4) + 0x108) << (exponent - 1)
    };
    // In A-law a set sign bit means positive.
    if a & 0x80 != 0 {
        magnitude as i16
    } else {
        -magnitude as i16
    }
}

/// Encodes a 16-bit linear sample as mu-law.
pub fn linear_to_ulaw(sample: i16) -> u8 {
    const BIAS: i32 = 0x84;
    const CLIP: i32 = 32635;
    let mut x = sample as i32;
    let sign = if x < 0 {
        x = -x;
        0x80
    } else {
        0
    };
    x = x.min(CLIP) + BIAS;
    // x >= 0x84, so x >> 7 >= 1 and the exponent is the position of its top bit (0..=7).
    let exponent = 31 - ((x >> 7) as u32).leading_zeros();
    let mantissa = (x >> (exponent + 3)) & 0x0F;
    !(sign | ((exponent as i32) << 4) | mantissa) as u8
}

/// Encodes a 16-bit linear sample as A-law.
pub fn linear_to_alaw(sample: i16) -> u8 {
    let s = sample as i32;
    // 12-bit magnitude; negative values use one's complement like the reference coder.
    let mut ix = if s < 0 { (!s) >> 4 } else { s >> 4 };
    if ix > 15 {
        let mut exponent = 1;
        while ix > 16 + 15 {
            ix >>= 1;
            exponent += 1;
        }
        ix -= 16;
        ix += exponent << 4;
    }
    if s >= 0 {
        ix |= 0x80;
    }
    (ix as u8) ^ 0x55
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ulaw_known_values() {
        // (byte, linear) pairs from the G.711 tables.
        let table: &[(u8, i16)] = &[
            (0xFF, 0),
            (0x7F, 0),
            (0x80, 32124),
            (0x00, -32124),
            (0xFE, 8),
            (0x7E, -8),
            (0xF0, 120),
            (0x70, -120),
            (0xEF, 132),
            (0x8F, 16764),
        ];
        for &(byte, linear) in table {
            assert_eq!(ulaw_to_linear(byte), linear, "byte {byte:#04x}");
        }
    }

    #[test]
    fn alaw_known_values() {
        let table: &[(u8, i16)] = &[
            (0xD5, 8),
            (0x55, -8),
            (0xAA, 32256),
            (0x2A, -32256),
            (0xD4, 24),
            (0xC5, 264),
            (0x45, -264),
        ];
        for &(byte, linear) in table {
            assert_eq!(alaw_to_linear(byte), linear, "byte {byte:#04x}");
        }
    }

    #[test]
    fn matches_reference_decoder_across_the_range() {
        // Every 17th byte, as decoded by Python's audioop (ulaw2lin/alaw2lin).
        let ulaw = [
            -32124, -15484, -7420, -3516, -1628, -716, -276, -64, 23932, 11388, 5372, 2492, 1116,
            460, 148, 0,
        ];
        let alaw = [
            -5504, -2624, -24064, -11520, -280, -8, -1248, -592, 7552, 3648, 32256, 15616, 408,
            136, 1760, 848,
        ];
        for (i, (&u, &a)) in ulaw.iter().zip(&alaw).enumerate() {
            let byte = (i * 17) as u8;
            assert_eq!(ulaw_to_linear(byte), u, "mu-law {byte:#04x}");
            assert_eq!(alaw_to_linear(byte), a, "A-law {byte:#04x}");
        }
    }

    #[test]
    fn encoders_invert_decoders() {
        for byte in 0..=255u8 {
            let u = ulaw_to_linear(byte);
            assert_eq!(ulaw_to_linear(linear_to_ulaw(u)), u, "mu-law {byte:#04x}");
            let a = alaw_to_linear(byte);
            assert_eq!(linear_to_alaw(a), byte, "A-law {byte:#04x}");
        }
    }

    #[test]
    fn encoders_are_monotonic_and_close() {
        // Quantisation error of a companded codec grows with level; 1/16 of it is generous.
        for s in (-32768i32..=32767).step_by(97) {
            let s = s as i16;
            for (enc, dec) in [
                (
                    linear_to_ulaw as fn(i16) -> u8,
                    ulaw_to_linear as fn(u8) -> i16,
                ),
                (linear_to_alaw, alaw_to_linear),
            ] {
                let back = dec(enc(s)) as i32;
                let err = (back - s as i32).abs();
                assert!(err <= (s as i32).abs() / 16 + 140, "{s} -> {back}");
            }
        }
    }
}
