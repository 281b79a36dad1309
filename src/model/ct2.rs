//! Reads a CTranslate2 `model.bin` (format version 6): the variables of a
//! faster-whisper model, by name, with their shapes, element types and raw bytes.

use anyhow::{bail, Context, Result};
use std::collections::HashMap;

/// Element type of a CTranslate2 variable (the byte after the dimensions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DType {
    F32,
    I8,
    I16,
    I32,
    F16,
    BF16,
}

impl DType {
    fn from_code(code: u8) -> Result<DType> {
        Ok(match code {
            0 => DType::F32,
            1 => DType::I8,
            2 => DType::I16,
            3 => DType::I32,
            4 => DType::F16,
            5 => DType::BF16,
            other => bail!("unknown CTranslate2 element type {other}: the model.bin is corrupt or newer than this converter"),
        })
    }

    pub fn size(self) -> usize {
        match self {
            DType::I8 => 1,
            DType::I16 | DType::F16 | DType::BF16 => 2,
            DType::F32 | DType::I32 => 4,
        }
    }
}

/// One named variable: shape in row-major order (outermost first) and raw little-endian data.
#[derive(Debug, Clone)]
pub struct Variable {
    pub dims: Vec<usize>,
    pub dtype: DType,
    pub data: Vec<u8>,
}

impl Variable {
    pub fn n_elements(&self) -> usize {
        self.dims.iter().product()
    }

    /// The values as f32, whatever the stored float type.
    pub fn to_f32(&self) -> Result<Vec<f32>> {
        let d = &self.data;
        Ok(match self.dtype {
            DType::F32 => d.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect(),
            DType::F16 => d
                .chunks_exact(2)
                .map(|c| half::f16::from_le_bytes([c[0], c[1]]).to_f32())
                .collect(),
            DType::BF16 => d
                .chunks_exact(2)
                .map(|c| half::bf16::from_le_bytes([c[0], c[1]]).to_f32())
                .collect(),
            other => bail!("expected a float tensor, found {other:?} (int8-quantized CTranslate2 models are not supported)"),
        })
    }

    /// A scalar integer variable (e.g. `encoder/num_heads`).
    pub fn scalar_int(&self) -> Result<i64> {
        let d = &self.data;
        Ok(match (self.dtype, d.len()) {
            (DType::I8, 1) => d[0] as i8 as i64,
            (DType::I16, 2) => i16::from_le_bytes([d[0], d[1]]) as i64,
            (DType::I32, 4) => i32::from_le_bytes([d[0], d[1], d[2], d[3]]) as i64,
            _ => bail!("expected an integer scalar, found {:?} with {} bytes", self.dtype, d.len()),
        })
    }
}

/// All variables of a model, aliases resolved.
#[derive(Debug)]
pub struct Ct2Model {
    pub name: String,
    pub variables: HashMap<String, Variable>,
}

impl Ct2Model {
    pub fn get(&self, name: &str) -> Result<&Variable> {
        self.variables
            .get(name)
            .with_context(|| format!("model.bin has no variable `{name}`: is it a Whisper model?"))
    }
}

/// Bounds-checked little-endian reader over a byte slice.
struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.buf.len());
        let Some(end) = end else {
            bail!("model.bin ends early at byte {} (wanted {n} more): the file is truncated", self.pos)
        };
        let s = &self.buf[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    fn u8(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> Result<u16> {
        let b = self.take(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }
    fn u32(&mut self) -> Result<u32> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    /// u16 length (NUL included) then the bytes.
    fn string(&mut self) -> Result<String> {
        let n = self.u16()? as usize;
        let b = self.take(n)?;
        let b = b.strip_suffix(&[0]).unwrap_or(b);
        Ok(String::from_utf8_lossy(b).into_owned())
    }
}

/// Parses a whole `model.bin` held in memory.
pub fn parse(buf: &[u8]) -> Result<Ct2Model> {
    let mut r = Reader { buf, pos: 0 };
    let version = r.u32()?;
    if version != 6 {
        bail!("unsupported CTranslate2 model.bin version {version} (this converter reads version 6)");
    }
    let name = r.string()?;
    let _revision = r.u32()?;
    let count = r.u32()? as usize;
    let mut variables = HashMap::with_capacity(count);
    for _ in 0..count {
        let vname = r.string()?;
        let ndim = r.u8()? as usize;
        let mut dims = Vec::with_capacity(ndim);
        for _ in 0..ndim {
            dims.push(r.u32()? as usize);
        }
        let dtype = DType::from_code(r.u8()?)?;
        let nbytes = r.u32()? as usize;
        let n: usize = dims.iter().product();
        if n * dtype.size() != nbytes {
            bail!("variable `{vname}`: {nbytes} bytes do not match shape {dims:?} of {dtype:?}: model.bin is corrupt");
        }
        let data = r.take(nbytes)?.to_vec();
        variables.insert(vname, Variable { dims, dtype, data });
    }
    // Aliases (e.g. decoder/projection/weight → decoder/embeddings/weight) follow; optional.
    if r.pos < buf.len() {
        let n_alias = r.u32()? as usize;
        for _ in 0..n_alias {
            let alias = r.string()?;
            let target = r.string()?;
            if let Some(v) = variables.get(&target).cloned() {
                variables.insert(alias, v);
            }
        }
    }
    Ok(Ct2Model { name, variables })
}

/// Writes a model.bin (version 6) — used by tests to build tiny synthetic models.
pub fn write(name: &str, vars: &[(&str, Vec<usize>, DType, Vec<u8>)]) -> Vec<u8> {
    fn string(out: &mut Vec<u8>, s: &str) {
        out.extend_from_slice(&((s.len() + 1) as u16).to_le_bytes());
        out.extend_from_slice(s.as_bytes());
        out.push(0);
    }
    let mut out = Vec::new();
    out.extend_from_slice(&6u32.to_le_bytes());
    string(&mut out, name);
    out.extend_from_slice(&3u32.to_le_bytes());
    out.extend_from_slice(&(vars.len() as u32).to_le_bytes());
    for (n, dims, dtype, data) in vars {
        string(&mut out, n);
        out.push(dims.len() as u8);
        for d in dims {
            out.extend_from_slice(&(*d as u32).to_le_bytes());
        }
        out.push(match dtype {
            DType::F32 => 0,
            DType::I8 => 1,
            DType::I16 => 2,
            DType::I32 => 3,
            DType::F16 => 4,
            DType::BF16 => 5,
        });
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(data);
    }
    out.extend_from_slice(&0u32.to_le_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_truncation() {
        let bin = write("WhisperSpec", &[("a/b", vec![2], DType::F32, [1.5f32, -2.0].iter().flat_map(|f| f.to_le_bytes()).collect())]);
        let m = parse(&bin).unwrap();
        assert_eq!(m.name, "WhisperSpec");
        assert_eq!(m.get("a/b").unwrap().to_f32().unwrap(), vec![1.5, -2.0]);
        assert!(parse(&bin[..bin.len() - 9]).is_err());
        assert!(parse(&[]).is_err());
        assert!(parse(&[7, 0, 0, 0]).is_err());
    }
}
