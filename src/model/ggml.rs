//! Converts a faster-whisper (CTranslate2) Whisper model to whisper.cpp's ggml file:
//! header (hparams, mel filters, tokens) then every tensor under whisper.cpp's names,
//! big matrices quantized with ggml's own quantizer.

use super::ct2::{Ct2Model, Variable};
use super::mel::mel_filters;
use super::vocab::plain_tokens;
use anyhow::{bail, Context, Result};
use std::io::Write;
use whisper_rs::whisper_rs_sys as sys;

/// Storage of the large 2-D weight matrices (everything else is f32 or f16, as whisper.cpp wants).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quant {
    F16,
    Q8_0,
    Q5_1,
    Q5_0,
    Q4_0,
}

impl Quant {
    pub const ALL: [Quant; 5] = [Quant::F16, Quant::Q8_0, Quant::Q5_1, Quant::Q5_0, Quant::Q4_0];

    pub fn name(self) -> &'static str {
        match self {
            Quant::F16 => "f16",
            Quant::Q8_0 => "q8_0",
            Quant::Q5_1 => "q5_1",
            Quant::Q5_0 => "q5_0",
            Quant::Q4_0 => "q4_0",
        }
    }

    pub fn parse(s: &str) -> Result<Quant> {
        Quant::ALL
            .into_iter()
            .find(|q| q.name() == s)
            .with_context(|| format!("unknown quantization `{s}`: use one of f16, q8_0, q5_1, q5_0, q4_0"))
    }

    /// `enum ggml_type` value of the weight tensors.
    pub fn ggml_type(self) -> u32 {
        match self {
            Quant::F16 => 1,
            Quant::Q4_0 => 2,
            Quant::Q5_0 => 6,
            Quant::Q5_1 => 7,
            Quant::Q8_0 => 8,
        }
    }

    /// `enum ggml_ftype` value for the header (whisper.cpp adds the quantization version × 1000).
    fn ftype(self) -> i32 {
        match self {
            Quant::F16 => 1,
            Quant::Q4_0 => 2,
            Quant::Q8_0 => 7,
            Quant::Q5_0 => 8,
            Quant::Q5_1 => 9,
        }
    }
}

/// ggml's quantization format version (GGML_QNT_VERSION) and its factor in the ftype field.
const GGML_QNT_VERSION: i32 = 2;
const GGML_QNT_VERSION_FACTOR: i32 = 1000;
const GGML_MAGIC: u32 = 0x6767_6d6c;

/// How one tensor is stored in the ggml file.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Store {
    F32,
    F16,
    Weight,
}

/// One output tensor: whisper.cpp name, row-major shape (outermost first), values.
struct Tensor {
    name: String,
    shape: Vec<usize>,
    data: Vec<f32>,
    store: Store,
}

/// Model dimensions, read from the variables' shapes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HParams {
    pub n_vocab: usize,
    pub n_audio_ctx: usize,
    pub n_audio_state: usize,
    pub n_audio_head: usize,
    pub n_audio_layer: usize,
    pub n_text_ctx: usize,
    pub n_text_state: usize,
    pub n_text_head: usize,
    pub n_text_layer: usize,
    pub n_mels: usize,
}

fn count_layers(m: &Ct2Model, prefix: &str) -> usize {
    (0..).take_while(|i| m.variables.contains_key(&format!("{prefix}/layer_{i}/ffn/linear_0/weight"))).count()
}

fn dim(v: &Variable, i: usize, what: &str) -> Result<usize> {
    v.dims.get(i).copied().with_context(|| format!("{what} has shape {:?}, expected at least {} dimensions", v.dims, i + 1))
}

pub fn hparams(m: &Ct2Model) -> Result<HParams> {
    let emb = m.get("decoder/embeddings/weight")?;
    let epe = m.get("encoder/position_encodings/encodings")?;
    let dpe = m.get("decoder/position_encodings/encodings")?;
    let conv1 = m.get("encoder/conv1/weight")?;
    let h = HParams {
        n_vocab: dim(emb, 0, "decoder embeddings")?,
        n_audio_ctx: dim(epe, 0, "encoder positions")?,
        n_audio_state: dim(epe, 1, "encoder positions")?,
        n_audio_head: m.get("encoder/num_heads")?.scalar_int()? as usize,
        n_audio_layer: count_layers(m, "encoder"),
        n_text_ctx: dim(dpe, 0, "decoder positions")?,
        n_text_state: dim(emb, 1, "decoder embeddings")?,
        n_text_head: m.get("decoder/num_heads")?.scalar_int()? as usize,
        n_text_layer: count_layers(m, "decoder"),
        n_mels: dim(conv1, 1, "encoder conv1")?,
    };
    if h.n_audio_layer == 0 || h.n_text_layer == 0 || h.n_audio_state != h.n_text_state {
        bail!("model.bin does not look like a Whisper model (layers {}/{}, widths {}/{})", h.n_audio_layer, h.n_text_layer, h.n_audio_state, h.n_text_state);
    }
    Ok(h)
}

/// Takes rows `[from, to)` of a row-major matrix (or a 1-D vector when `cols` is 1).
fn rows(data: &[f32], cols: usize, from: usize, to: usize) -> Vec<f32> {
    data[from * cols..to * cols].to_vec()
}

/// Adds one tensor: its whisper.cpp name, the CTranslate2 variable, how it is stored, its shape.
type Push<'a> = dyn FnMut(String, &str, Store, Option<Vec<usize>>) -> Result<()> + 'a;

/// Maps every CTranslate2 variable to whisper.cpp's tensors, in whisper.cpp's order.
fn tensors(m: &Ct2Model, h: &HParams) -> Result<Vec<Tensor>> {
    let d = h.n_audio_state;
    let mut out = Vec::new();
    let mut push = |name: String, var: &str, store: Store, shape: Option<Vec<usize>>| -> Result<()> {
        let v = m.get(var)?;
        let data = v.to_f32()?;
        let shape = shape.unwrap_or_else(|| v.dims.clone());
        if shape.iter().product::<usize>() != data.len() {
            bail!("variable `{var}` has {} values, not the {shape:?} expected", data.len());
        }
        // 1-D tensors always stay f32.
        let store = if shape.len() < 2 { Store::F32 } else { store };
        out.push(Tensor { name, shape, data, store });
        Ok(())
    };
    // A fused projection split into parts of `d` rows each; `None` drops a part's bias (key).
    fn split(m: &Ct2Model, var: &str, d: usize, parts: &[(String, bool)], out: &mut Vec<Tensor>) -> Result<()> {
        let w = m.get(&format!("{var}/weight"))?;
        let b = m.get(&format!("{var}/bias"))?;
        let (wd, bd) = (w.to_f32()?, b.to_f32()?);
        if w.dims != [parts.len() * d, d] || bd.len() != parts.len() * d {
            bail!("`{var}` has shape {:?}, expected [{}, {d}]", w.dims, parts.len() * d);
        }
        for (i, (name, with_bias)) in parts.iter().enumerate() {
            out.push(Tensor { name: format!("{name}.weight"), shape: vec![d, d], data: rows(&wd, d, i * d, (i + 1) * d), store: Store::Weight });
            if *with_bias {
                out.push(Tensor { name: format!("{name}.bias"), shape: vec![d], data: rows(&bd, 1, i * d, (i + 1) * d), store: Store::F32 });
            }
        }
        Ok(())
    }
    let ln = |push: &mut Push, to: &str, from: &str| -> Result<()> {
        push(format!("{to}.weight"), &format!("{from}/gamma"), Store::F32, None)?;
        push(format!("{to}.bias"), &format!("{from}/beta"), Store::F32, None)
    };
    let lin = |push: &mut Push, to: &str, from: &str| -> Result<()> {
        push(format!("{to}.weight"), &format!("{from}/weight"), Store::Weight, None)?;
        push(format!("{to}.bias"), &format!("{from}/bias"), Store::F32, None)
    };

    push("encoder.positional_embedding".into(), "encoder/position_encodings/encodings", Store::F32, None)?;
    push("encoder.conv1.weight".into(), "encoder/conv1/weight", Store::F16, None)?;
    push("encoder.conv1.bias".into(), "encoder/conv1/bias", Store::F32, Some(vec![d, 1]))?;
    push("encoder.conv2.weight".into(), "encoder/conv2/weight", Store::F16, None)?;
    push("encoder.conv2.bias".into(), "encoder/conv2/bias", Store::F32, Some(vec![d, 1]))?;
    let mut fused = Vec::new();
    for i in 0..h.n_audio_layer {
        let (to, from) = (format!("encoder.blocks.{i}"), format!("encoder/layer_{i}"));
        ln(&mut push, &format!("{to}.attn_ln"), &format!("{from}/self_attention/layer_norm"))?;
        let parts = [(format!("{to}.attn.query"), true), (format!("{to}.attn.key"), false), (format!("{to}.attn.value"), true)];
        split(m, &format!("{from}/self_attention/linear_0"), d, &parts, &mut fused)?;
        lin(&mut push, &format!("{to}.attn.out"), &format!("{from}/self_attention/linear_1"))?;
        ln(&mut push, &format!("{to}.mlp_ln"), &format!("{from}/ffn/layer_norm"))?;
        lin(&mut push, &format!("{to}.mlp.0"), &format!("{from}/ffn/linear_0"))?;
        lin(&mut push, &format!("{to}.mlp.2"), &format!("{from}/ffn/linear_1"))?;
    }
    ln(&mut push, "encoder.ln_post", "encoder/layer_norm")?;
    push("decoder.positional_embedding".into(), "decoder/position_encodings/encodings", Store::F32, None)?;
    push("decoder.token_embedding.weight".into(), "decoder/embeddings/weight", Store::Weight, None)?;
    for i in 0..h.n_text_layer {
        let (to, from) = (format!("decoder.blocks.{i}"), format!("decoder/layer_{i}"));
        ln(&mut push, &format!("{to}.attn_ln"), &format!("{from}/self_attention/layer_norm"))?;
        let parts = [(format!("{to}.attn.query"), true), (format!("{to}.attn.key"), false), (format!("{to}.attn.value"), true)];
        split(m, &format!("{from}/self_attention/linear_0"), d, &parts, &mut fused)?;
        lin(&mut push, &format!("{to}.attn.out"), &format!("{from}/self_attention/linear_1"))?;
        ln(&mut push, &format!("{to}.cross_attn_ln"), &format!("{from}/attention/layer_norm"))?;
        lin(&mut push, &format!("{to}.cross_attn.query"), &format!("{from}/attention/linear_0"))?;
        let parts = [(format!("{to}.cross_attn.key"), false), (format!("{to}.cross_attn.value"), true)];
        split(m, &format!("{from}/attention/linear_1"), d, &parts, &mut fused)?;
        lin(&mut push, &format!("{to}.cross_attn.out"), &format!("{from}/attention/linear_2"))?;
        ln(&mut push, &format!("{to}.mlp_ln"), &format!("{from}/ffn/layer_norm"))?;
        lin(&mut push, &format!("{to}.mlp.0"), &format!("{from}/ffn/linear_0"))?;
        lin(&mut push, &format!("{to}.mlp.2"), &format!("{from}/ffn/linear_1"))?;
    }
    ln(&mut push, "decoder.ln", "decoder/layer_norm")?;
    out.extend(fused);
    Ok(out)
}

/// Quantizes a row-major `nrows × n_per_row` f32 matrix with ggml, rows split over `threads`.
pub fn quantize(q: Quant, data: &[f32], nrows: usize, n_per_row: usize, threads: usize) -> Result<Vec<u8>> {
    let ty = q.ggml_type();
    // ggml aborts the process on a row length that is not a whole number of blocks.
    let block = unsafe { sys::ggml_blck_size(ty as _) } as usize;
    if block == 0 || !n_per_row.is_multiple_of(block) || data.len() != nrows * n_per_row {
        bail!("cannot quantize a {nrows}×{n_per_row} matrix to {}: rows must be a multiple of {block}", q.name());
    }
    let row_bytes = unsafe { sys::ggml_row_size(ty as _, n_per_row as i64) };
    let mut out = vec![0u8; row_bytes * nrows];
    let threads = threads.clamp(1, nrows.max(1));
    let per = nrows.div_ceil(threads);
    std::thread::scope(|s| {
        for (i, chunk) in out.chunks_mut(per * row_bytes).enumerate() {
            let start = i * per;
            let n = chunk.len() / row_bytes;
            let src = &data[start * n_per_row..(start + n) * n_per_row];
            s.spawn(move || unsafe {
                // `start` 0: src/dst already point at this chunk's first row.
                sys::ggml_quantize_chunk(ty as _, src.as_ptr(), chunk.as_mut_ptr().cast(), 0, n as i64, n_per_row as i64, std::ptr::null());
            });
        }
    });
    Ok(out)
}

fn put_i32(out: &mut impl Write, v: i32) -> Result<()> {
    Ok(out.write_all(&v.to_le_bytes())?)
}

/// Writes the whole ggml file. `progress(done, total)` is called after each tensor.
pub fn convert(m: &Ct2Model, vocab: &[String], quant: Quant, threads: usize, out: &mut impl Write, progress: &mut dyn FnMut(usize, usize)) -> Result<()> {
    let h = hparams(m)?;
    let ftype = if quant == Quant::F16 { quant.ftype() } else { GGML_QNT_VERSION * GGML_QNT_VERSION_FACTOR + quant.ftype() };
    out.write_all(&GGML_MAGIC.to_le_bytes())?;
    for v in [h.n_vocab, h.n_audio_ctx, h.n_audio_state, h.n_audio_head, h.n_audio_layer, h.n_text_ctx, h.n_text_state, h.n_text_head, h.n_text_layer, h.n_mels] {
        put_i32(out, v as i32)?;
    }
    put_i32(out, ftype)?;

    let n_fft = 201;
    put_i32(out, h.n_mels as i32)?;
    put_i32(out, n_fft)?;
    for w in mel_filters(16_000, 400, h.n_mels) {
        out.write_all(&w.to_le_bytes())?;
    }

    let tokens = plain_tokens(vocab, h.n_vocab);
    put_i32(out, tokens.len() as i32)?;
    for t in &tokens {
        put_i32(out, t.len() as i32)?;
        out.write_all(t)?;
    }

    let all = tensors(m, &h)?;
    let total = all.len();
    for (i, t) in all.into_iter().enumerate() {
        let (ttype, bytes): (i32, Vec<u8>) = match t.store {
            Store::F32 => (0, t.data.iter().flat_map(|x| x.to_le_bytes()).collect()),
            Store::F16 => (1, t.data.iter().flat_map(|x| half::f16::from_f32(*x).to_le_bytes()).collect()),
            Store::Weight if quant == Quant::F16 => (1, t.data.iter().flat_map(|x| half::f16::from_f32(*x).to_le_bytes()).collect()),
            Store::Weight => (quant.ggml_type() as i32, quantize(quant, &t.data, t.shape[0], t.shape[1], threads)?),
        };
        put_i32(out, t.shape.len() as i32)?;
        put_i32(out, t.name.len() as i32)?;
        put_i32(out, ttype)?;
        // ggml lists dimensions innermost first.
        for &d in t.shape.iter().rev() {
            put_i32(out, d as i32)?;
        }
        out.write_all(t.name.as_bytes())?;
        out.write_all(&bytes)?;
        progress(i + 1, total);
    }
    out.flush()?;
    Ok(())
}
