//! Whisper's vocabulary for the ggml header: the plain byte-level BPE tokens of a
//! faster-whisper `vocabulary.txt` (or `vocabulary.json`), turned back into raw bytes.

use anyhow::{bail, Context, Result};
use std::collections::HashMap;
use std::path::Path;

/// GPT-2's byte ↔ printable-character table, inverted: character → byte.
fn unicode_to_byte() -> HashMap<char, u8> {
    let mut printable: Vec<u32> = (b'!' as u32..=b'~' as u32).collect();
    printable.extend(0xA1..=0xAC);
    printable.extend(0xAE..=0xFF);
    let mut map = HashMap::with_capacity(256);
    let mut extra = 0u32;
    for b in 0u32..256 {
        let c = if printable.contains(&b) {
            b
        } else {
            extra += 1;
            255 + extra
        };
        map.insert(char::from_u32(c).expect("table chars are valid"), b as u8);
    }
    map
}

/// Decodes one byte-level token (e.g. "Ġthe" → b" the"). Unknown characters (only in
/// special tokens) are kept as their UTF-8 bytes.
pub fn decode_token(token: &str, table: &HashMap<char, u8>) -> Vec<u8> {
    let mut out = Vec::with_capacity(token.len());
    for c in token.chars() {
        match table.get(&c) {
            Some(&b) => out.push(b),
            None => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    out
}

/// Reads the token list from a file: see [`parse_vocabulary`].
pub fn read_vocabulary(path: &Path) -> Result<Vec<String>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read vocabulary {}", path.display()))?;
    parse_vocabulary(&text, path.extension().is_some_and(|e| e == "json"))
        .with_context(|| format!("bad vocabulary {}", path.display()))
}

/// Parses the token list: one token a line (`vocabulary.txt`) or a JSON array of strings.
pub fn parse_vocabulary(text: &str, json: bool) -> Result<Vec<String>> {
    if json {
        return serde_json::from_str(text).context("not a JSON list of tokens");
    }
    let tokens: Vec<String> = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l).to_string()).collect();
    // A trailing newline leaves one empty entry after the last token.
    let n = if tokens.last().is_some_and(|t| t.is_empty()) { tokens.len() - 1 } else { tokens.len() };
    if n == 0 {
        bail!("the vocabulary is empty");
    }
    Ok(tokens[..n].to_vec())
}

/// The tokens whisper.cpp expects in the file, as bytes: the 50257 (multilingual) or
/// 50256 (English-only) plain ones; it names the special tokens itself.
pub fn plain_tokens(vocab: &[String], n_vocab: usize) -> Vec<Vec<u8>> {
    let n_plain = if n_vocab >= 51865 { 50257 } else { 50256 };
    let table = unicode_to_byte();
    vocab.iter().take(n_plain.min(n_vocab)).map(|t| decode_token(t, &table)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_byte_level_tokens() {
        let t = unicode_to_byte();
        let cases: [(&str, &[u8]); 5] = [
            ("Ġthe", b" the"),
            ("Ċ", b"\n"),
            ("hello", b"hello"),
            ("ãģĤ", "あ".as_bytes()),
            ("", b""),
        ];
        for (tok, want) in cases {
            assert_eq!(decode_token(tok, &t), want, "token {tok:?}");
        }
    }

    #[test]
    fn keeps_only_plain_tokens() {
        let vocab: Vec<String> = (0..51865).map(|i| format!("t{i}")).collect();
        assert_eq!(plain_tokens(&vocab, 51865).len(), 50257);
        assert_eq!(plain_tokens(&vocab[..51864], 51864).len(), 50256);
        assert_eq!(plain_tokens(&vocab[..8], 8).len(), 8);
    }
}
