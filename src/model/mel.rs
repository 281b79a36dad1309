//! Mel filterbank for whisper.cpp's model header: librosa's default
//! `filters.mel(sr, n_fft, n_mels)` (Slaney mel scale, Slaney area normalisation),
//! the same matrix OpenAI's `mel_filters.npz` holds.

fn hz_to_mel(f: f64) -> f64 {
    let f_sp = 200.0 / 3.0;
    let min_log_hz = 1000.0;
    let min_log_mel = min_log_hz / f_sp;
    let logstep = (6.4f64).ln() / 27.0;
    if f >= min_log_hz {
        min_log_mel + (f / min_log_hz).ln() / logstep
    } else {
        f / f_sp
    }
}

fn mel_to_hz(m: f64) -> f64 {
    let f_sp = 200.0 / 3.0;
    let min_log_hz = 1000.0;
    let min_log_mel = min_log_hz / f_sp;
    let logstep = (6.4f64).ln() / 27.0;
    if m >= min_log_mel {
        min_log_hz * (logstep * (m - min_log_mel)).exp()
    } else {
        f_sp * m
    }
}

/// Row-major `n_mels × (n_fft/2 + 1)` weights.
pub fn mel_filters(sample_rate: u32, n_fft: usize, n_mels: usize) -> Vec<f32> {
    let n_freq = n_fft / 2 + 1;
    let sr = sample_rate as f64;
    let fft_freqs: Vec<f64> = (0..n_freq).map(|i| i as f64 * (sr / 2.0) / (n_freq - 1) as f64).collect();
    let (lo, hi) = (hz_to_mel(0.0), hz_to_mel(sr / 2.0));
    let mel_f: Vec<f64> = (0..n_mels + 2)
        .map(|i| mel_to_hz(lo + (hi - lo) * i as f64 / (n_mels + 1) as f64))
        .collect();
    let mut w = vec![0f32; n_mels * n_freq];
    for m in 0..n_mels {
        let (fdiff_lo, fdiff_hi) = (mel_f[m + 1] - mel_f[m], mel_f[m + 2] - mel_f[m + 1]);
        let enorm = 2.0 / (mel_f[m + 2] - mel_f[m]);
        for (k, &f) in fft_freqs.iter().enumerate() {
            let lower = (f - mel_f[m]) / fdiff_lo;
            let upper = (mel_f[m + 2] - f) / fdiff_hi;
            w[m * n_freq + k] = (lower.min(upper).max(0.0) * enorm) as f32;
        }
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_librosa_reference_values() {
        // Reference: librosa.filters.mel(sr=16000, n_fft=400, n_mels=80), float32.
        let w = mel_filters(16000, 400, 80);
        assert_eq!(w.len(), 80 * 201);
        let cases = [
            ((0, 1), 0.024_862_595f32),
            ((1, 2), 0.022_871_772),
            ((20, 20), 0.013_890_394),
            ((40, 43), 0.014_735_566),
            ((60, 93), 0.006_591_093),
            ((79, 190), 0.002_232_055),
            ((79, 192), 0.003_164_712),
            ((79, 200), 0.0),
        ];
        for ((m, k), want) in cases {
            let got = w[m * 201 + k];
            assert!((got - want).abs() < 1e-6, "w[{m}][{k}] = {got}, want {want}");
        }
        let sum: f64 = w.iter().map(|&x| x as f64).sum();
        assert!((sum - 1.999_024_15).abs() < 1e-5, "sum {sum}");
        // Every filter has some weight and none is negative.
        for m in 0..80 {
            let row = &w[m * 201..(m + 1) * 201];
            assert!(row.iter().all(|&x| x >= 0.0));
            assert!(row.iter().any(|&x| x > 0.0), "filter {m} is empty");
        }
    }
}
