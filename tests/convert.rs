//! The CTranslate2 → ggml converter on a tiny synthetic Whisper model: the output
//! must have whisper.cpp's header, names, shapes and element types, split the fused
//! attention projections correctly, and load in whisper.cpp itself.

use yoyaku::model::ct2::{self, DType};
use yoyaku::model::ggml::{convert, Quant};

const D: usize = 32; // width: one quantization block
const VOCAB: usize = 8;

fn values(n: usize, seed: usize) -> Vec<f32> {
    (0..n).map(|i| ((i * 7 + seed * 13) % 17) as f32 / 17.0 - 0.5).collect()
}

fn f16_bytes(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| half::f16::from_f32(*x).to_le_bytes()).collect()
}

/// A one-layer encoder + one-layer decoder model.bin with f16 weights.
fn tiny_model() -> Vec<u8> {
    let mut vars: Vec<(String, Vec<usize>, DType, Vec<u8>)> = Vec::new();
    let mut seed = 0;
    let mut f = |name: &str, dims: Vec<usize>| {
        seed += 1;
        let n = dims.iter().product();
        (name.to_string(), dims, DType::F16, f16_bytes(&values(n, seed)))
    };
    vars.push(f("encoder/conv1/weight", vec![D, 80, 3]));
    vars.push(f("encoder/conv1/bias", vec![D]));
    vars.push(f("encoder/conv2/weight", vec![D, D, 3]));
    vars.push(f("encoder/conv2/bias", vec![D]));
    vars.push(f("encoder/position_encodings/encodings", vec![4, D]));
    vars.push(f("encoder/layer_norm/gamma", vec![D]));
    vars.push(f("encoder/layer_norm/beta", vec![D]));
    vars.push(f("decoder/embeddings/weight", vec![VOCAB, D]));
    vars.push(f("decoder/position_encodings/encodings", vec![6, D]));
    vars.push(f("decoder/layer_norm/gamma", vec![D]));
    vars.push(f("decoder/layer_norm/beta", vec![D]));
    for (side, attn) in [("encoder", vec![("self_attention", 3)]), ("decoder", vec![("self_attention", 3), ("attention", 0)])] {
        let l = format!("{side}/layer_0");
        for (a, fused) in attn {
            vars.push(f(&format!("{l}/{a}/layer_norm/gamma"), vec![D]));
            vars.push(f(&format!("{l}/{a}/layer_norm/beta"), vec![D]));
            if fused == 3 {
                vars.push(f(&format!("{l}/{a}/linear_0/weight"), vec![3 * D, D]));
                vars.push(f(&format!("{l}/{a}/linear_0/bias"), vec![3 * D]));
                vars.push(f(&format!("{l}/{a}/linear_1/weight"), vec![D, D]));
                vars.push(f(&format!("{l}/{a}/linear_1/bias"), vec![D]));
            } else {
                vars.push(f(&format!("{l}/{a}/linear_0/weight"), vec![D, D]));
                vars.push(f(&format!("{l}/{a}/linear_0/bias"), vec![D]));
                vars.push(f(&format!("{l}/{a}/linear_1/weight"), vec![2 * D, D]));
                vars.push(f(&format!("{l}/{a}/linear_1/bias"), vec![2 * D]));
                vars.push(f(&format!("{l}/{a}/linear_2/weight"), vec![D, D]));
                vars.push(f(&format!("{l}/{a}/linear_2/bias"), vec![D]));
            }
        }
        vars.push(f(&format!("{l}/ffn/layer_norm/gamma"), vec![D]));
        vars.push(f(&format!("{l}/ffn/layer_norm/beta"), vec![D]));
        vars.push(f(&format!("{l}/ffn/linear_0/weight"), vec![4 * D, D]));
        vars.push(f(&format!("{l}/ffn/linear_0/bias"), vec![4 * D]));
        vars.push(f(&format!("{l}/ffn/linear_1/weight"), vec![D, 4 * D]));
        vars.push(f(&format!("{l}/ffn/linear_1/bias"), vec![D]));
    }
    vars.push(("encoder/num_heads".into(), vec![], DType::I16, 2i16.to_le_bytes().to_vec()));
    vars.push(("decoder/num_heads".into(), vec![], DType::I16, 2i16.to_le_bytes().to_vec()));
    let refs: Vec<(&str, Vec<usize>, DType, Vec<u8>)> = vars.iter().map(|(n, d, t, b)| (n.as_str(), d.clone(), *t, b.clone())).collect();
    ct2::write("WhisperSpec", &refs)
}

struct Parsed {
    hparams: Vec<i32>,
    n_mel: i32,
    n_fft: i32,
    tokens: Vec<Vec<u8>>,
    /// name → (ggml dims innermost first, ggml type, data)
    tensors: Vec<(String, Vec<i32>, i32, Vec<u8>)>,
}

fn parse_ggml(b: &[u8]) -> Parsed {
    let mut p = 0;
    let mut i32_ = || {
        let v = i32::from_le_bytes(b[p..p + 4].try_into().unwrap());
        p += 4;
        v
    };
    assert_eq!(i32_() as u32, 0x6767_6d6c, "magic");
    let hparams: Vec<i32> = (0..11).map(|_| i32_()).collect();
    let (n_mel, n_fft) = (i32_(), i32_());
    p += (n_mel * n_fft) as usize * 4;
    let rd = |p: &mut usize| {
        let v = i32::from_le_bytes(b[*p..*p + 4].try_into().unwrap());
        *p += 4;
        v
    };
    let n_tok = rd(&mut p);
    let mut tokens = Vec::new();
    for _ in 0..n_tok {
        let len = rd(&mut p) as usize;
        tokens.push(b[p..p + len].to_vec());
        p += len;
    }
    let mut tensors = Vec::new();
    while p < b.len() {
        let (nd, len, ty) = (rd(&mut p), rd(&mut p) as usize, rd(&mut p));
        let dims: Vec<i32> = (0..nd).map(|_| rd(&mut p)).collect();
        let name = String::from_utf8(b[p..p + len].to_vec()).unwrap();
        p += len;
        let n: usize = dims.iter().map(|&d| d as usize).product();
        let bytes = match ty {
            0 => n * 4,
            1 => n * 2,
            8 => n / 32 * 34, // q8_0: f16 scale + 32 i8
            7 => n / 32 * 24, // q5_1: 2 f16 + 4 bytes high bits + 16 bytes
            other => panic!("unexpected type {other}"),
        };
        tensors.push((name, dims, ty, b[p..p + bytes].to_vec()));
        p += bytes;
    }
    Parsed { hparams, n_mel, n_fft, tokens, tensors }
}

fn convert_tiny(q: Quant) -> Vec<u8> {
    let model = ct2::parse(&tiny_model()).unwrap();
    let vocab: Vec<String> = ["a", "Ġb", "c", "d", "e", "f", "g", "<|endoftext|>"].iter().map(|s| s.to_string()).collect();
    let mut out = Vec::new();
    let mut calls = 0;
    convert(&model, &vocab, q, 2, &mut out, &mut |_, _| calls += 1).unwrap();
    assert_eq!(calls, 50);
    out
}

#[test]
fn header_and_tensor_layout_match_whisper_cpp() {
    let p = parse_ggml(&convert_tiny(Quant::Q8_0));
    // n_vocab, n_audio_ctx, n_audio_state, n_audio_head, n_audio_layer,
    // n_text_ctx, n_text_state, n_text_head, n_text_layer, n_mels, ftype (2*1000 + q8_0)
    assert_eq!(p.hparams, vec![VOCAB as i32, 4, 32, 2, 1, 6, 32, 2, 1, 80, 2007]);
    assert_eq!((p.n_mel, p.n_fft), (80, 201));
    assert_eq!(p.tokens.len(), VOCAB);
    assert_eq!(p.tokens[1], b" b");
    assert_eq!(p.tensors.len(), 7 + 15 + 4 + 24);

    let d = D as i32;
    let expect: &[(&str, &[i32], i32)] = &[
        ("encoder.positional_embedding", &[d, 4], 0),
        ("encoder.conv1.weight", &[3, 80, d], 1),
        ("encoder.conv1.bias", &[1, d], 0),
        ("encoder.conv2.weight", &[3, d, d], 1),
        ("encoder.ln_post.weight", &[d], 0),
        ("encoder.blocks.0.attn.query.weight", &[d, d], 8),
        ("encoder.blocks.0.attn.query.bias", &[d], 0),
        ("encoder.blocks.0.attn.key.weight", &[d, d], 8),
        ("encoder.blocks.0.mlp.0.weight", &[d, 4 * d], 8),
        ("encoder.blocks.0.mlp.2.weight", &[4 * d, d], 8),
        ("decoder.positional_embedding", &[d, 6], 0),
        ("decoder.token_embedding.weight", &[d, VOCAB as i32], 8),
        ("decoder.blocks.0.cross_attn.query.weight", &[d, d], 8),
        ("decoder.blocks.0.cross_attn.key.weight", &[d, d], 8),
        ("decoder.blocks.0.cross_attn.value.bias", &[d], 0),
        ("decoder.blocks.0.cross_attn_ln.bias", &[d], 0),
        ("decoder.ln.weight", &[d], 0),
    ];
    for (name, dims, ty) in expect {
        let t = p.tensors.iter().find(|t| t.0 == *name).unwrap_or_else(|| panic!("missing {name}"));
        assert_eq!((&t.1[..], t.2), (*dims, *ty), "{name}");
    }
    // whisper.cpp has no key biases.
    assert!(!p.tensors.iter().any(|t| t.0.ends_with("key.bias")));
}

#[test]
fn fused_projections_are_split_in_query_key_value_order() {
    let model = ct2::parse(&tiny_model()).unwrap();
    let fused = model.get("encoder/layer_0/self_attention/linear_0/weight").unwrap().to_f32().unwrap();
    let fused_b = model.get("encoder/layer_0/self_attention/linear_0/bias").unwrap().to_f32().unwrap();
    let kv = model.get("decoder/layer_0/attention/linear_1/weight").unwrap().to_f32().unwrap();
    let p = parse_ggml(&convert_tiny(Quant::F16));
    let get = |name: &str| -> Vec<f32> {
        let t = p.tensors.iter().find(|t| t.0 == name).unwrap();
        match t.2 {
            0 => t.3.chunks(4).map(|c| f32::from_le_bytes(c.try_into().unwrap())).collect(),
            _ => t.3.chunks(2).map(|c| half::f16::from_le_bytes(c.try_into().unwrap()).to_f32()).collect(),
        }
    };
    let n = D * D;
    let cases: [(&str, &[f32]); 6] = [
        ("encoder.blocks.0.attn.query.weight", &fused[..n]),
        ("encoder.blocks.0.attn.key.weight", &fused[n..2 * n]),
        ("encoder.blocks.0.attn.value.weight", &fused[2 * n..]),
        ("encoder.blocks.0.attn.value.bias", &fused_b[2 * D..]),
        ("decoder.blocks.0.cross_attn.key.weight", &kv[..n]),
        ("decoder.blocks.0.cross_attn.value.weight", &kv[n..]),
    ];
    for (name, want) in cases {
        assert_eq!(get(name), want, "{name}");
    }
    assert_eq!(p.hparams[10], 1, "f16 ftype carries no quantization version");
}

#[test]
fn whisper_cpp_loads_the_converted_file() {
    for q in [Quant::Q5_1, Quant::Q8_0, Quant::F16] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tiny.bin");
        std::fs::write(&path, convert_tiny(q)).unwrap();
        whisper_rs::install_logging_hooks();
        let ctx = whisper_rs::WhisperContext::new_with_params(&path, whisper_rs::WhisperContextParameters::default());
        assert!(ctx.is_ok(), "whisper.cpp rejected the {q:?} file");
    }
}

#[test]
fn rejects_corrupt_and_non_whisper_input() {
    let bin = tiny_model();
    assert!(ct2::parse(&bin[..bin.len() / 2]).is_err());
    let other = ct2::write("TransformerSpec", &[("x", vec![1], DType::F32, vec![0; 4])]);
    let m = ct2::parse(&other).unwrap();
    let mut out = Vec::new();
    assert!(convert(&m, &[], Quant::Q5_1, 1, &mut out, &mut |_, _| {}).is_err());
}
