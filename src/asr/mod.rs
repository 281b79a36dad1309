//! Speech recognition with whisper.cpp (whisper-rs): one model per process, shared
//! across threads; each call gets its own decoding state.

mod answers;
mod copied;
mod digits;
mod names;
mod times;
mod words;

use anyhow::{bail, Context, Result};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use whisper_rs::{FullParams, SamplingStrategy, WhisperContext, WhisperContextParameters};

/// What was heard in one utterance.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Transcript {
    /// The recognised text, trimmed; empty when nothing was said.
    pub text: String,
    /// whisper's probability that the audio holds no speech (0 when whisper did not run).
    pub no_speech_prob: f32,
    /// Mean log-probability of the text tokens (0 when whisper did not run).
    pub avg_logprob: f32,
    /// Language of `text` ("ja", "en", …).
    pub lang: String,
    /// False when the voice-activity gate skipped whisper altogether.
    pub decoded: bool,
}

/// Options that tune decoding; the defaults are what the agent uses.
#[derive(Debug, Clone)]
pub struct Options {
    /// Size the encoder window to the audio instead of a full 30 s.
    pub fit_audio_ctx: bool,
    /// Use the per-language domain prompt when the caller gives none.
    pub domain_prompt: bool,
    pub threads: usize,
    /// Smallest encoder window when fitting it to the audio (short clips need context).
    pub min_audio_ctx: usize,
}

impl Default for Options {
    fn default() -> Self {
        // Every core for one conversation (kiosk, simulate, transcribe): on 2 idle cores
        // p50 0.52 s against 0.98 s on one. ggml's worker threads spin on barriers, so
        // where decodes run side by side (`serve`) each gets its share of the cores
        // instead. YOYAKU_ASR_THREADS overrides.
        Options::shared_by(1)
    }
}

impl Options {
    /// For `parallel` decodes running side by side: each gets its share of the
    /// cores, unless YOYAKU_ASR_THREADS says how many threads to use.
    pub fn shared_by(parallel: usize) -> Options {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
        let threads = std::env::var("YOYAKU_ASR_THREADS")
            .ok()
            .and_then(|t| t.parse().ok())
            .unwrap_or(cores / parallel.max(1))
            .clamp(1, 16);
        Options { fit_audio_ctx: true, domain_prompt: true, threads, min_audio_ctx: MIN_AUDIO_CTX }
    }
}

/// A turn this long (seconds) whose looping first pass kept fewer tokens than this
/// per second is decoded on past the loop (see `continue_past_stop`): 「来週の水曜日の
/// 夜6時に3人で予約したいんです。」 kept 22 tokens of 15.1 s; whole turns run 4–8 a second.
const LONG_TURN_SECS: f64 = 8.0;
const FEW_TOKENS_PER_SECOND: f64 = 2.5;
/// A turn this long (seconds) whose first pass kept fewer tokens than this per second
/// left much of what was said out. Where it kept only the end, the domain prompt had
/// made the decoder skip the start: 「明後日の夜7時に4名で予約したいんですが。加藤です。
/// 番号は…」 of 9.9 s came out as 「名号は1090-674-2058です。」 (13 tokens), and in full
/// without the prompt. A turn that only ended early is decoded on past its end
/// instead (`continue_past_stop`): without the prompt, "Channel 43 on Saturday at
/// noon. Please." on the phone came out worse ("Channel 4310. New, Green, …"). A
/// number said digit by digit runs at 1.6–2 tokens a second in turns of 5–6 s.
const SKIPPED_TURN_SECS: f64 = 8.0;
const SKIPPED_TOKENS_PER_SECOND: f64 = 1.6;
/// A turn this long whose first pass simply ended with so few tokens is decoded on
/// too: on the phone, "… at noon, please. This is Mr. Patel, 080-1212-3434." of 8.9 s
/// ended after "please" (9 tokens), and "… my number is" of 9.9 s before the number.
const STOPPED_TURN_SECS: f64 = 4.0;
/// What was decoded on past an early end is kept only when this likely a token (mean
/// natural log): on the phone, the words left out scored −0.53.
const STOPPED_LOGPROB: f32 = -1.0;

/// The sampled retry's first temperature (then twice that): whisper's usual step.
const RETRY_TEMPERATURE: f32 = 0.4;
/// A pattern repeated this often, over this many tokens, is a loop, not speech.
const LOOP_REPEATS: usize = 6;
const LOOP_TOKENS: usize = 12;
/// A longer phrase said this often running is a loop too (see `loop_start`).
const PHRASE_TOKENS: usize = 24;
const PHRASE_REPEATS: usize = 3;

/// whisper.cpp keeps the last tokens of a prompt, at most half its 448-token text
/// context (less the <|prev|> token).
const MAX_PROMPT_TOKENS: usize = 223;
/// Tokens the second listen may add beyond what the first transcript had after the cue.
const EXTRA_NUMBER_TOKENS: usize = 12;
/// The lowest mean log-probability a number heard again with only digits allowed
/// may have to be kept (see `listen_for_number`).
const FORCED_NUMBER_LOGPROB: f32 = -1.5;

/// The ids of the tokens that end at or before byte `at` of their joined text, and
/// on a character's end: a token may hold part of a character (a kanji's first
/// bytes), and the text between these tokens and `at` must be whole characters.
fn tokens_before(tokens: &[(i32, Vec<u8>)], at: usize) -> Vec<i32> {
    let bytes = token_bytes(tokens);
    let mut end = 0;
    let mut n = 0;
    for (i, (_, b)) in tokens.iter().enumerate() {
        end += b.len();
        if end > at {
            break;
        }
        // A UTF-8 continuation byte next means a character runs on past this token.
        if bytes.get(end).is_none_or(|&c| c & 0b1100_0000 != 0b1000_0000) {
            n = i + 1;
        }
    }
    tokens[..n].iter().map(|(id, _)| *id).collect()
}

/// What `end_loops` needs to know of the model.
struct LoopGuard {
    eot: i32,
    n_vocab: usize,
}

/// whisper.cpp's logits filter, called before each token is picked: once the text
/// has run into a loop, only the end token is allowed. A loop would otherwise run
/// on to the token limit, about a second of decoding thrown away (see `loop_start`).
unsafe extern "C" fn end_loops(
    _ctx: *mut whisper_rs::whisper_rs_sys::whisper_context,
    _state: *mut whisper_rs::whisper_rs_sys::whisper_state,
    tokens: *const whisper_rs::whisper_rs_sys::whisper_token_data,
    n_tokens: std::os::raw::c_int,
    logits: *mut f32,
    data: *mut std::ffi::c_void,
) {
    if tokens.is_null() || logits.is_null() || data.is_null() || n_tokens < LOOP_TOKENS as i32 {
        return;
    }
    // SAFETY: whisper.cpp passes its `n_tokens` decoded tokens and the `n_vocab`
    // logits it is about to pick from; `data` is the `LoopGuard` set in `decode`,
    // which outlives the decode.
    let (guard, tokens) = unsafe { (&*(data as *const LoopGuard), std::slice::from_raw_parts(tokens, n_tokens as usize)) };
    let ids: Vec<i32> = tokens.iter().map(|t| t.id).filter(|&id| id < guard.eot).collect();
    if loop_start(&ids).is_some() {
        let logits = unsafe { std::slice::from_raw_parts_mut(logits, guard.n_vocab) };
        logits.fill(f32::NEG_INFINITY);
        logits[guard.eot as usize] = 0.0;
    }
}

/// whisper.cpp's abort callback: `data` is the `AtomicBool` given to `transcribe_unless`.
unsafe extern "C" fn stop_requested(data: *mut std::ffi::c_void) -> bool {
    // SAFETY: set in `decode` to a flag that outlives the decode.
    unsafe { (*(data as *const AtomicBool)).load(Ordering::Relaxed) }
}

/// Callers in the dev set speak at most 4.3 tokens a second (both languages, both
/// conditions); text running far faster than that is a loop the patterns of
/// `loop_start` missed, and each token costs decoding time a caller waits for.
const MAX_TOKENS_PER_SECOND: usize = 10;
const MIN_MAX_TOKENS: usize = 24;

/// The most tokens a pass over `n` samples may write.
fn max_tokens_for(n: usize) -> i32 {
    (MIN_MAX_TOKENS + n * MAX_TOKENS_PER_SECOND / crate::audio::SAMPLE_RATE as usize) as i32
}

/// Characters after a phone number scored with it in a recount.
const NUMBER_CONTEXT_CHARS: usize = 6;

/// Encoder positions below which whisper starts looping on short clips (measured).
const MIN_AUDIO_CTX: usize = 384;

/// whisper.cpp's own no-speech test (combined with its log-probability threshold).
const NO_SPEECH_THOLD: f32 = 0.6;
/// Above this P(no speech) at the start token, the text is dropped as invented when
/// the decoder was unsure of it too (mean log-probability below `NO_SPEECH_LOGPROB`),
/// as in OpenAI's own test. Measured on the dev set's turns: speech up to 0.80, its
/// mean log-probability then −0.36 to −0.51; brown noise, a square wave and noise
/// with a tone 0.59–0.85, at −0.91 to −1.83. P(no speech) alone dropped a whole
/// booking request ("Table for three on Saturday at noon, …", 0.54); on the phone the
/// same request, its opening garbled, had 0.79 and −0.74, so the line is at −0.8.
const NO_SPEECH_DROP: f32 = 0.5;
const NO_SPEECH_LOGPROB: f32 = -0.8;
/// P(no speech) above which a `doubtful` phrase (grammars/<lang>/asr_invented.toml) is dropped.
const DOUBTFUL_NO_SPEECH: f32 = 0.3;

/// A loaded speech model. Cheap to share: wrap it in an `Arc`.
pub struct Recognizer {
    ctx: WhisperContext,
    multilingual: bool,
    n_audio_ctx: usize,
    opts: Options,
    prompts: [(String, String); 2],
    invented: Invented,
    /// Phone cues and numbering plan per language, for the second listen.
    numbers: Vec<(String, digits::NumberCheck)>,
    /// What each vocabulary token can be inside a phone number.
    kinds: Vec<digits::Kind>,
    /// Per language that hears numbers again in words, how its digits are said.
    spoken: Vec<(String, words::Spoken)>,
    /// Name lists per language, for hearing a name again.
    names: Vec<(String, names::NameCheck)>,
    /// Clock-time readings per language, for weighing a time again.
    times: Vec<(String, times::TimeCheck)>,
    /// Answers to the agent's questions per language, for hearing an answer again.
    answers: Vec<(String, answers::AnswerCheck)>,
}

/// How long a reply may be to be heard again as a short answer (a name, a day): in
/// words, or in characters for a language written without spaces.
enum Longest {
    Words(usize),
    Chars(usize),
}

impl Longest {
    fn from_file(words: Option<usize>, chars: Option<usize>) -> Result<Longest> {
        match (words, chars) {
            (Some(n), None) => Ok(Longest::Words(n)),
            (None, Some(n)) => Ok(Longest::Chars(n)),
            _ => bail!("give one of longest_words and longest_chars"),
        }
    }

    fn holds(&self, text: &str) -> bool {
        match *self {
            Longest::Words(n) => text.split_whitespace().count() <= n,
            Longest::Chars(n) => text.chars().count() <= n,
        }
    }
}

/// Where a short reply's own words start in `text`: after the spaces and what
/// `fillers` finds at its start ("um, ", 「えーと、」).
fn reply_start(text: &str, fillers: &regex::Regex) -> usize {
    let lead = text.len() - text.trim_start().len();
    lead + fillers.find(&text[lead..]).map_or(0, |m| m.end())
}

/// A place in a first pass's transcript where other words are weighed or listened
/// for: the transcript, the text of its tokens (`Decoded::joined`), and the bytes
/// `at` of that text.
struct Spot<'a> {
    heard: &'a Decoded,
    joined: &'a str,
    at: std::ops::Range<usize>,
}

impl Spot<'_> {
    /// What was heard at the spot.
    fn words(&self) -> &str {
        &self.joined[self.at.clone()]
    }

    /// The tokens kept before the spot and what lies between them and it (see
    /// `Decoded::lead_to`).
    fn lead(&self) -> (Vec<i32>, &str) {
        self.heard.lead_to(self.joined, self.at.start)
    }
}

/// One decode's text, its text tokens and their mean log-probability.
#[derive(Clone)]
struct Decoded {
    text: String,
    tokens: Vec<(i32, Vec<u8>)>,
    avg_logprob: f32,
    no_speech_prob: f32,
    /// The tokens of the loop the text was cut before, if greedy decoding ran into one.
    looped: Vec<i32>,
}

impl Decoded {
    /// A transcript of `tokens`, its text their bytes joined.
    fn of_tokens(tokens: Vec<(i32, Vec<u8>)>, avg_logprob: f32, no_speech_prob: f32) -> Decoded {
        let text = String::from_utf8_lossy(&token_bytes(&tokens)).into_owned();
        Decoded { text, tokens, avg_logprob, no_speech_prob, looped: Vec::new() }
    }

    /// The text tokens joined, so byte offsets in it line up with the tokens.
    fn joined(&self) -> Option<String> {
        String::from_utf8(token_bytes(&self.tokens)).ok()
    }

    fn ids(&self) -> Vec<i32> {
        self.tokens.iter().map(|(t, _)| *t).collect()
    }

    /// For text put in at byte `at` of `joined` (the tokens' text): the tokens kept
    /// before it (`tokens_before`) and what lies between them and `at`, which the new
    /// text must be said after (" " in English).
    fn lead_to<'a>(&self, joined: &'a str, at: usize) -> (Vec<i32>, &'a str) {
        let prefix = tokens_before(&self.tokens, at);
        let start: usize = self.tokens[..prefix.len()].iter().map(|(_, b)| b.len()).sum();
        (prefix, &joined[start..at])
    }

    /// The first `n` tokens only.
    fn cut(&self, n: usize) -> Decoded {
        Decoded::of_tokens(self.tokens[..n.min(self.tokens.len())].to_vec(), self.avg_logprob, self.no_speech_prob)
    }
}

/// The bytes of `tokens`, one after another (a token may hold part of a character).
fn token_bytes(tokens: &[(i32, Vec<u8>)]) -> Vec<u8> {
    tokens.iter().flat_map(|(_, b)| b.iter().copied()).collect()
}

/// A decoding state and the tokens its decoder holds at positions 0.. from our own
/// decode calls. The second listen and the recount both start with the prompt and
/// the words before the number: what is already held is not decoded again.
struct Held<'s> {
    state: &'s mut whisper_rs::WhisperState,
    tokens: Vec<i32>,
    threads: usize,
}

impl Held<'_> {
    /// Decodes `tokens` at `n_past` (whisper.cpp drops what was held from there on).
    fn step(&mut self, tokens: &[i32], n_past: usize) -> Result<()> {
        self.tokens.truncate(n_past);
        self.state.decode(tokens, n_past, self.threads).map_err(|e| anyhow::anyhow!("speech recognition failed: {e:?}"))?;
        self.tokens.extend_from_slice(tokens);
        Ok(())
    }

    /// Holds `fed` from position 0, decoding only what differs from what is held.
    /// whisper_get_logits returns the first position of a batch, not the last: the
    /// last token goes alone so that its logits are the ones read next.
    fn feed(&mut self, fed: &[i32]) -> Result<()> {
        let Some(last) = fed.len().checked_sub(1) else { bail!("nothing to decode") };
        let same = self.tokens.iter().zip(fed).take_while(|(a, b)| a == b).count().min(last);
        if same < last {
            self.step(&fed[same..last], same)?;
        }
        self.step(&fed[last..], last)
    }
}

/// Whether YOYAKU_ASR_DEBUG asks for each pass's text on stderr.
fn debugging() -> bool {
    std::env::var_os("YOYAKU_ASR_DEBUG").is_some()
}

/// Where the text turns into a loop, if it ends in one: the same 1–4 tokens at least
/// `LOOP_REPEATS` times over at least `LOOP_TOKENS` tokens ("…0-1077778888888"), or a
/// phrase of up to `PHRASE_TOKENS` tokens said `PHRASE_REPEATS` times running ("…at
/// 7 p.m. My phone number is 090-7 p.m. My phone number is 090-7 p.m. …"). A phrase
/// loop keeps its first saying, which may be speech (a caller repeating a number).
fn loop_start(ids: &[i32]) -> Option<usize> {
    let repeats_from = |period: usize| {
        let mut start = ids.len().checked_sub(period)?;
        while start >= period && ids[start - period..start] == ids[start..start + period] {
            start -= period;
        }
        Some((start, (ids.len() - start) / period))
    };
    let short = (1..=4).filter_map(|period| {
        let (start, times) = repeats_from(period)?;
        (times >= LOOP_REPEATS && ids.len() - start >= LOOP_TOKENS).then_some(start)
    });
    let phrase = (5..=PHRASE_TOKENS).filter_map(|period| {
        let (start, times) = repeats_from(period)?;
        (times >= PHRASE_REPEATS).then_some(start + period)
    });
    short.chain(phrase).min()
}

impl Recognizer {
    /// Loads the model at `path` (see `crate::model::resolve_model`).
    pub fn load(path: &Path) -> Result<Recognizer> {
        Self::load_with(path, Options::default())
    }

    pub fn load_with(path: &Path, opts: Options) -> Result<Recognizer> {
        // Keep whisper.cpp's own logging off stderr; errors come back as values.
        whisper_rs::install_logging_hooks();
        if !path.is_file() {
            bail!("speech model {} not found: run `yoyaku model install`", path.display());
        }
        let ctx = WhisperContext::new_with_params(path, WhisperContextParameters::default())
            .map_err(|e| anyhow::anyhow!("{e:?}"))
            .with_context(|| format!("cannot load speech model {}: reinstall it with `yoyaku model install`", path.display()))?;
        let multilingual = ctx.is_multilingual();
        let n_audio_ctx = ctx.model_n_audio_ctx().max(1) as usize;
        let prompts = [("ja".to_string(), load_prompt("ja")), ("en".to_string(), load_prompt("en"))];
        // Without a readable asr_digits.toml or asr_names.toml that second listen is
        // off; recognition still works.
        let numbers = per_language("phone numbers", digits::NumberCheck::load);
        let kinds = (0..ctx.n_vocab()).map(|id| ctx.token_to_bytes(id).map(digits::Kind::of).unwrap_or(digits::Kind::Other)).collect();
        let spoken = numbers.iter().filter_map(|(l, c)| Some((l.clone(), words::Spoken::of(&ctx, c)?))).collect();
        let names = per_language("names", names::NameCheck::load);
        let times = per_language("clock times", times::TimeCheck::load);
        let answers = per_language("answers", answers::AnswerCheck::load);
        Ok(Recognizer { ctx, multilingual, n_audio_ctx, opts, prompts, invented: Invented::load(), numbers, kinds, spoken, names, times, answers })
    }

    /// Shares one recognizer across threads.
    pub fn shared(path: &Path) -> Result<Arc<Recognizer>> {
        Ok(Arc::new(Self::load(path)?))
    }

    pub fn is_multilingual(&self) -> bool {
        self.multilingual
    }

    /// Transcribes one utterance of 16 kHz mono samples. `lang` is "ja", "en" or "auto";
    /// `after` is what the agent said just before, if anything (see `prompt_for`).
    pub fn transcribe(&self, samples: &[f32], lang: &str, after: Option<&str>) -> Result<Transcript> {
        self.transcribe_unless(samples, lang, after, &AtomicBool::new(false))
    }

    /// Like `transcribe`, but gives up soon after `stop` is set (whisper checks
    /// it between layers and tokens), with an error: the result is not wanted.
    pub fn transcribe_unless(&self, samples: &[f32], lang: &str, after: Option<&str>, stop: &AtomicBool) -> Result<Transcript> {
        if !matches!(lang, "ja" | "en" | "auto") {
            bail!("unknown language `{lang}`: use ja, en or auto");
        }
        if !self.multilingual && lang != "en" {
            bail!("this speech model is English-only: use --lang en or the multilingual base model");
        }
        if samples.iter().any(|s| !s.is_finite()) {
            bail!("audio contains NaN or infinite samples");
        }
        if !crate::audio::has_speech(samples) {
            return Ok(Transcript { lang: lang.to_string(), ..Transcript::default() });
        }
        let audio = pad(samples);

        let mut state = self.ctx.create_state().map_err(|e| anyhow::anyhow!("cannot create a whisper state: {e:?}"))?;
        // "auto" picks between the two languages callers speak, never a third one.
        let lang = match lang {
            "auto" if self.multilingual => self.detect_ja_en(&mut state, &audio)?,
            "auto" => "en",
            l => l,
        };
        let mut prompt = self.prompt_for(lang, after);
        let started = std::time::Instant::now();
        let mut first = self.first_pass(&mut state, &audio, lang, &prompt, stop)?;
        if self.copies_domain_prompt(&mut state, lang, &prompt, after, &first) {
            prompt = joined_prompt(lang, None, after);
            first = self.first_pass(&mut state, &audio, lang, &prompt, stop)?;
            if debugging() {
                eprintln!("asr: the first pass copied the domain prompt; without it: {:?}", first.text);
            }
        } else if few_tokens(&first, samples.len(), SKIPPED_TURN_SECS, SKIPPED_TOKENS_PER_SECOND) {
            let without = joined_prompt(lang, None, after);
            let again = self.first_pass(&mut state, &audio, lang, &without, stop)?;
            let start_lost = kept_only_the_end(&first.text, &again.text);
            if debugging() {
                eprintln!("asr: the first pass {:?} left speech out; without the domain prompt {:?}, kept: {start_lost}", first.text, again.text);
            }
            if start_lost {
                (prompt, first) = (without, again);
            }
        }
        let prompt = prompt.as_str();
        let first_ms = started.elapsed().as_millis();
        if debugging() {
            eprintln!("asr: first pass, {} tokens for {:.1} s: {:?}", first.tokens.len(), samples.len() as f32 / crate::audio::SAMPLE_RATE as f32, first.text);
        }
        // whisper.cpp's own figure is taken after the task tokens, where it is ~0;
        // OpenAI's definition reads it at the start-of-transcript token.
        // whisper_full left its own tokens in the cache: ours start from nothing.
        let mut held = Held { state: &mut state, tokens: Vec::new(), threads: self.opts.threads };
        let no_speech_prob = self.sot_no_speech_prob(&mut held).unwrap_or(first.no_speech_prob);
        let first = self.continue_past_stop(&mut held, lang, prompt, first, samples.len());
        if stop.load(Ordering::Relaxed) {
            bail!("speech recognition stopped");
        }
        let heard = match self.hear_in_words(&mut held, lang, prompt, first.clone()) {
            Ok(heard) => heard,
            Err(first) => {
                let heard = self.listen_for_number(&mut held, lang, prompt, first);
                self.recount_number(&mut held, lang, prompt, heard)
            }
        };
        let heard = self.drop_copied_example(&mut held, lang, prompt, heard);
        let heard = self.drop_number_from_line(&mut held, lang, prompt, after, &first, heard);
        let heard = self.hear_name_again(&mut held, lang, prompt, after, heard);
        let heard = self.hear_answer_again(&mut held, lang, prompt, after, heard);
        let Decoded { text, avg_logprob, .. } = self.hear_times_again(&mut held, lang, prompt, heard);
        if debugging() {
            let ms = started.elapsed().as_millis();
            eprintln!("asr: no_speech {no_speech_prob:.3} avg_logprob {avg_logprob:.3} text {text:?} ({ms} ms, first pass {first_ms} ms)");
        }
        let detected = lang.to_string();
        let mut text = text.trim().to_string();
        if self.invented.is_hallucination(&text, no_speech_prob) {
            text.clear();
        }
        if no_speech_prob > NO_SPEECH_DROP && avg_logprob < NO_SPEECH_LOGPROB {
            text.clear();
        }
        Ok(Transcript { text, no_speech_prob, avg_logprob, lang: detected, decoded: true })
    }
}

impl Recognizer {
    /// What the decoder reads before the caller's words, as if heard earlier in the
    /// call: the domain prompt, then the agent's last line. A caller answers the
    /// question just asked ("Is that correct?" → "Yes, please"), and whisper, trained
    /// on running speech, hears an answer better after its question.
    fn prompt_for(&self, lang: &str, after: Option<&str>) -> String {
        let domain = self.prompts.iter().find(|(l, _)| l == lang).filter(|_| self.opts.domain_prompt).map(|(_, p)| p.as_str());
        joined_prompt(lang, domain, after)
    }

    /// The first whisper pass over `audio`, greedy, its text cut where it runs into a loop.
    fn first_pass(&self, state: &mut whisper_rs::WhisperState, audio: &[f32], lang: &str, prompt: &str, stop: &AtomicBool) -> Result<Decoded> {
        let first = self.decode(state, audio, lang, prompt, stop, false)?;
        let Some(at) = loop_start(&first.ids()) else { return Ok(first) };
        // Greedy decoding repeats itself, most often on a number said digit by
        // digit ("…number is 0-1077778888888…"). What comes before the loop is
        // usually right (the second listen then writes the number), and better
        // than a sampled retry, which tends to garble the whole turn; only a loop
        // that leaves next to nothing is decoded again with sampling.
        let cut = Decoded { looped: first.ids()[at..].to_vec(), ..first.cut(at) };
        let retry = at < LOOP_TOKENS;
        if debugging() {
            eprintln!("asr: greedy pass repeats itself after {:?}{}", cut.text, if retry { "; sampling again" } else { "" });
        }
        if retry {
            self.decode(state, audio, lang, prompt, stop, true)
        } else {
            Ok(cut)
        }
    }

    /// Whether `first`, decoded after `prompt`, is the language's domain prompt
    /// written again (see `copied`): mostly its words in its order, and far likelier
    /// after the domain prompt than after the agent's line alone. The prompt's
    /// example number is left out of its words, and out of the transcript when it
    /// is written there again; a copied number alone is `drop_copied_example`'s to find.
    fn copies_domain_prompt(&self, state: &mut whisper_rs::WhisperState, lang: &str, prompt: &str, after: Option<&str>, first: &Decoded) -> bool {
        let Some((_, domain)) = self.prompts.iter().find(|(l, _)| l == lang).filter(|_| self.opts.domain_prompt) else { return false };
        let check = self.number_check(lang);
        let example = check.and_then(|c| c.digits_at(domain));
        let words = match &example {
            Some((number, _)) => format!("{}{}", &domain[..number.start], &domain[number.end..]),
            None => domain.clone(),
        };
        let ids = first.ids();
        // The example number written again is copied too, not counted against a copy.
        let written_again = check.zip(first.joined()).and_then(|(c, text)| c.digits_at(&text));
        let own = match written_again.filter(|(_, digits)| example.as_ref().is_some_and(|(_, e)| e == digits)) {
            Some((run, _)) => copied::outside(&first.tokens, run),
            None => ids.clone(),
        };
        if !self.tokens_of(&words).is_ok_and(|words| copied::copies(&own, &words)) {
            return false;
        }
        let mut held = Held { state, tokens: Vec::new(), threads: self.opts.threads };
        let mut score = |prompt: &str| self.score_every_token(&mut held, lang, prompt, &[], &ids, true);
        let (Ok(with), Ok(without)) = (score(prompt), score(&joined_prompt(lang, None, after))) else { return false };
        let lean = (with - without) / ids.len() as f64;
        if debugging() {
            eprintln!("asr: {:?} is like the domain prompt, {lean:.2} nats a token likelier after it; without it {:.2} a token", first.text, without / ids.len() as f64);
        }
        lean > copied::PROMPT_LEAN
    }

    /// One whisper pass (encoder and decoder) over `audio`: greedy, or with `retry`
    /// sampled at temperature 0.4, then 0.8 if that fails too.
    fn decode(&self, state: &mut whisper_rs::WhisperState, audio: &[f32], lang: &str, prompt: &str, stop: &AtomicBool, retry: bool) -> Result<Decoded> {
        // Beam search (4) was tried for both passes: no better, twice the time.
        let mut p = FullParams::new(SamplingStrategy::Greedy { best_of: 1 });
        p.set_n_threads(self.opts.threads as i32);
        p.set_language(Some(lang));
        p.set_translate(false);
        p.set_no_context(true);
        p.set_single_segment(true);
        p.set_no_timestamps(true);
        p.set_suppress_blank(true);
        p.set_suppress_nst(true);
        p.set_no_speech_thold(NO_SPEECH_THOLD);
        // whisper's own fallback would resample every repetition loop; `transcribe`
        // decides when a loop is worth a sampled retry (see `loop_start`).
        if retry {
            p.set_temperature(RETRY_TEMPERATURE);
            p.set_temperature_inc(RETRY_TEMPERATURE);
        } else {
            p.set_temperature_inc(0.0);
        }
        p.set_print_special(false);
        p.set_print_progress(false);
        p.set_print_realtime(false);
        p.set_print_timestamps(false);
        if self.opts.fit_audio_ctx {
            let ctx = audio_ctx_for(audio.len(), self.n_audio_ctx).max(self.opts.min_audio_ctx).min(self.n_audio_ctx);
            p.set_audio_ctx(ctx as i32);
        }
        p.set_max_tokens(max_tokens_for(audio.len()));
        if !prompt.is_empty() {
            p.set_initial_prompt(prompt);
        }
        let guard = LoopGuard { eot: self.ctx.token_eot(), n_vocab: self.ctx.n_vocab() as usize };
        // SAFETY: `stop` and `guard` outlive `state.full`, the only user of the
        // pointers, and the callbacks only read through them.
        unsafe {
            p.set_abort_callback(Some(stop_requested));
            p.set_abort_callback_user_data(stop as *const AtomicBool as *mut std::ffi::c_void);
            p.set_filter_logits_callback(Some(end_loops));
            p.set_filter_logits_callback_user_data(&guard as *const LoopGuard as *mut std::ffi::c_void);
        }
        state.full(p, audio).map_err(|e| anyhow::anyhow!("speech recognition failed: {e:?}"))?;

        let mut out = Decoded { text: String::new(), tokens: Vec::new(), avg_logprob: 0.0, no_speech_prob: 0.0, looped: Vec::new() };
        // Mean log-probability of the text tokens: low on invented text.
        let mut logp = 0f64;
        let eot = self.ctx.token_eot();
        for seg in state.as_iter() {
            out.no_speech_prob = out.no_speech_prob.max(seg.no_speech_probability());
            out.text.push_str(&seg.to_str_lossy().map_err(|e| anyhow::anyhow!("{e:?}"))?);
            for i in 0..seg.n_tokens() {
                if let Some(tok) = seg.get_token(i) {
                    if tok.token_id() < eot {
                        logp += (tok.token_probability().max(1e-9) as f64).ln();
                        out.tokens.push((tok.token_id(), tok.to_bytes().unwrap_or_default().to_vec()));
                    }
                }
            }
        }
        if !out.tokens.is_empty() {
            out.avg_logprob = (logp / out.tokens.len() as f64) as f32;
        }
        Ok(out)
    }

    /// A long turn whose greedy pass looped early and kept little (「来週の水曜日の夜6時に
    /// 3人で予約したいんです。」 of 15 s, its name and number lost) is decoded on from
    /// where it was cut, the loop's tokens not allowed, so its later sentences are heard.
    /// One that ended early without looping is decoded on with the end not allowed at
    /// once: whisper then goes on to the words it had left out.
    fn continue_past_stop(&self, held: &mut Held, lang: &str, prompt: &str, first: Decoded, samples: usize) -> Decoded {
        let long = if first.looped.is_empty() { STOPPED_TURN_SECS } else { LONG_TURN_SECS };
        if !few_tokens(&first, samples, long, FEW_TOKENS_PER_SECOND) {
            return first;
        }
        let (looped, stopped_at, eot) = (first.looped.clone(), first.tokens.len(), self.ctx.token_eot());
        let forbid = |so_far: &[i32], logits: &mut [f32]| {
            let barred = looped.iter().chain((so_far.len() == stopped_at).then_some(&eot));
            for &t in barred {
                if let Some(l) = logits.get_mut(t as usize) {
                    *l = f32::NEG_INFINITY;
                }
            }
            true
        };
        let budget = (max_tokens_for(samples) as usize).saturating_sub(first.tokens.len());
        let Ok(more) = self.redecode(held, lang, prompt, &first.ids(), &forbid, budget) else { return first };
        if debugging() {
            eprintln!("asr: decoded on past the {}: {:?} (avg_logprob {:.3})", if looped.is_empty() { "end" } else { "loop" }, more.text, more.avg_logprob);
        }
        let kept = match loop_start(&more.ids()) {
            Some(at) => more.cut(at),
            None => more,
        };
        let added = kept.tokens.len().saturating_sub(stopped_at);
        if added == 0 {
            return first;
        }
        if looped.is_empty() {
            // Forced on, the decoder may only say the turn again ("So I know 1234…
            // So I know 1234…") or invent: then the first pass stands.
            let new = kept.text.strip_prefix(first.text.as_str()).unwrap_or(&kept.text).trim();
            if kept.avg_logprob < STOPPED_LOGPROB || first.text.contains(new) {
                return first;
            }
        }
        // The whole turn's mean, for the no-speech test: the first pass alone may be
        // a garbled opening ("Channel 43 on Saturday", −1.14).
        let n = (stopped_at + added) as f32;
        let avg_logprob = if looped.is_empty() { (first.avg_logprob * stopped_at as f32 + kept.avg_logprob * added as f32) / n } else { first.avg_logprob };
        Decoded { avg_logprob, no_speech_prob: first.no_speech_prob, ..kept }
    }

    /// When `first` announces a phone number but holds no well-formed one, listens
    /// again with only digits allowed after the announcement (see `digits`).
    fn listen_for_number(
        &self,
        held: &mut Held,
        lang: &str,
        prompt: &str,
        first: Decoded,
    ) -> Decoded {
        let (Some(check), Some(joined)) = (self.number_check(lang), first.joined()) else { return first };
        let Some(at) = check.missing_number_at(&joined) else { return first };
        // The forced prefix: every token that ends at or before the number's start.
        let prefix = tokens_before(&first.tokens, at);
        let focus = digits::Focus { prefix: &prefix, kinds: &self.kinds, check };
        let budget = first.tokens.len() - prefix.len() + EXTRA_NUMBER_TOKENS;
        // The second listen is a refinement: if it fails, the first transcript stands.
        let Ok(second) = self.redecode(held, lang, prompt, &prefix, &|t, l| focus.mask(t, l), budget) else { return first };
        if debugging() {
            eprintln!("asr: listened again for a number: {:?} (avg_logprob {:.3})", second.text, second.avg_logprob);
        }
        // A number forced where the audio holds little like one is made up: on the
        // held-out sets every second listen below this mean wrote a wrong number
        // (8 of 8, from −1.54 to −3.38: a digit lost, 「この番号で大丈夫です」 as
        // 0555-55-5555). Between it and −1.0 three were one digit off, which the
        // recount mended once (the dev set's 090-4445-5555); above −1.0, 23 were right
        // or had two digits swapped. The first transcript then stands, and the agent
        // asks for the number again.
        if second.avg_logprob < FORCED_NUMBER_LOGPROB {
            return first;
        }
        if check.missing_number_at(&second.text).is_none() { second } else { first }
    }

    /// Weighs other readings of the number in `heard` (`NumberCheck::readings`: a
    /// digit change inside a planned group moved onto its boundary, 090-4445-5555;
    /// alike digits swapped in the first group, 050 for 090), or of a run one digit
    /// too long with each digit left out in turn (`NumberCheck::overlong_at`), by how
    /// likely the decoder finds each on the audio already encoded, and keeps the
    /// likeliest. A run too long stays as heard when it is the likeliest: the agent
    /// then says what it heard and asks again.
    /// Greedy decoding picks one token at a time and miscounts such runs; the whole
    /// written number, scored at once, usually does not.
    fn recount_number(&self, held: &mut Held, lang: &str, prompt: &str, heard: Decoded) -> Decoded {
        let (Some(check), Some(joined)) = (self.number_check(lang), heard.joined()) else { return heard };
        let (run, readings) = match check.number_at(&joined) {
            Some(run) => {
                let readings = check.readings(&joined[run.clone()]);
                (run, readings)
            }
            None => match check.overlong_at(&joined) {
                Some(found) => found,
                None => return heard,
            },
        };
        if readings.is_empty() {
            return heard;
        }
        // What follows is the same for every count; a few characters of it tell
        // where the number ends, and scoring more would only cost time.
        let candidates: Vec<String> = std::iter::once(joined[run.clone()].to_string()).chain(readings.iter().cloned()).collect();
        let spot = Spot { heard: &heard, joined: &joined, at: run.clone() };
        let Ok((tails, scores)) = self.weigh_in_place(held, lang, prompt, &spot, &candidates, NUMBER_CONTEXT_CHARS) else { return heard };
        if debugging() {
            eprintln!("asr: recounted {:?}", tails.iter().zip(&scores).collect::<Vec<_>>());
        }
        let best = (0..tails.len()).max_by(|&a, &b| scores[a].total_cmp(&scores[b])).unwrap_or(0);
        if best == 0 {
            return heard;
        }
        let number = &readings[best - 1];
        Decoded { text: format!("{}{}{}", &joined[..run.start], number, &joined[run.end..]), ..heard }
    }

    /// whisper writes the domain prompt's example number (asr_prompt.txt) when it
    /// cannot make out the caller's: on the phone, "oh nine oh, four four four four, …"
    /// came out as the example 090-1234-5678. So a number equal to the example is
    /// heard again, digits only, with `second_example` (asr_digits.toml) in the
    /// prompt instead. A number the caller said comes out (mostly) the same; a copied
    /// one follows the new example and is dropped, so that the agent asks for it
    /// rather than reads back a number nobody said.
    fn drop_copied_example(&self, held: &mut Held, lang: &str, prompt: &str, heard: Decoded) -> Decoded {
        let Some(check) = self.number_check(lang) else { return heard };
        let Some(second) = &check.second_example else { return heard };
        let Some((run, digits)) = check.digits_at(&heard.text) else { return heard };
        let Some((example, example_digits)) = check.digits_at(prompt) else { return heard };
        // The tokens before the number are the ones the first pass wrote (a recount
        // changes only the number).
        let same_start = heard.joined().is_some_and(|j| j.get(..run.start) == heard.text.get(..run.start));
        if digits != example_digits || !same_start {
            return heard;
        }
        let other_prompt = format!("{}{}{}", &prompt[..example.start], second, &prompt[example.end..]);
        let prefix = tokens_before(&heard.tokens, run.start);
        let focus = digits::Focus { prefix: &prefix, kinds: &self.kinds, check };
        let budget = heard.tokens.len().saturating_sub(prefix.len()) + EXTRA_NUMBER_TOKENS;
        // If the check cannot run, the number stands, as it would without the check.
        let Ok(again) = self.redecode(held, lang, &other_prompt, &prefix, &|t, l| focus.mask(t, l), budget) else { return heard };
        // Copied: the number now follows the new example more than it matches the
        // first hearing. A number partly heard over the phone ("090-1234-1967" for
        // 090-1234-5678) still matches in the digits that were heard.
        let agreeing = |a: &str, b: &str| a.bytes().zip(b.bytes()).filter(|(x, y)| x == y).count();
        let second_digits = check.digits_at(second).map(|(_, d)| d).unwrap_or_default();
        let kept = check.digits_at(&again.text).is_none_or(|(_, d)| agreeing(&d, &digits) >= agreeing(&d, &second_digits));
        if debugging() {
            eprintln!("asr: the prompt's example number, heard again after another: {:?} ({})", again.text, if kept { "kept" } else { "dropped" });
        }
        if kept {
            return heard;
        }
        Decoded { text: format!("{}{}", &heard.text[..run.start], &heard.text[run.end..]), ..heard }
    }

    /// The log-likelihood of each of `candidates` in place of what was heard at
    /// `spot`, with up to `context` characters of what follows, on the audio already
    /// encoded: the tokens before the spot are context, the rest is scored. The tails
    /// scored come back with their scores.
    fn weigh_in_place(&self, held: &mut Held, lang: &str, prompt: &str, spot: &Spot, candidates: &[String], context: usize) -> Result<(Vec<String>, Vec<f64>)> {
        let (prefix, between) = spot.lead();
        let after: String = spot.joined[spot.at.end..].chars().take(context).collect();
        let ends = spot.at.end + after.len() == spot.joined.len();
        let tails: Vec<String> = candidates.iter().map(|c| format!("{between}{c}{after}")).collect();
        let scores = self.score_tails(held, lang, prompt, &prefix, &tails, ends)?;
        Ok((tails, scores))
    }

    /// Which of `candidates` fits the audio best at `spot`, the first being what was
    /// heard there and each other given `prior` (natural log) more: that candidate,
    /// unless it is the first.
    #[allow(clippy::too_many_arguments)]
    fn likelier_than_heard(&self, held: &mut Held, lang: &str, prompt: &str, spot: &Spot, candidates: &[String], prior: f64, context: usize) -> Result<Option<String>> {
        let (tails, mut scores) = self.weigh_in_place(held, lang, prompt, spot, candidates, context)?;
        for s in scores.iter_mut().skip(1) {
            *s += prior;
        }
        if debugging() {
            eprintln!("asr: weighed against what was heard: {:?}", tails.iter().zip(&scores).collect::<Vec<_>>());
        }
        let best = (0..candidates.len()).max_by(|&a, &b| scores[a].total_cmp(&scores[b])).unwrap_or(0);
        Ok((best > 0).then(|| candidates[best].clone()))
    }

    /// Log-likelihood of each of `tails` after the context and `prefix`, on the
    /// encoder output still in `state`; with `ends`, the transcript's end counts too.
    /// The tokens every tail starts with score the same for all, so they are fed
    /// once and left out: the scores only rank the tails.
    fn score_tails(&self, held: &mut Held, lang: &str, prompt: &str, prefix: &[i32], tails: &[String], ends: bool) -> Result<Vec<f64>> {
        let toks = tails.iter().map(|t| self.tokens_of(t)).collect::<Result<Vec<_>>>()?;
        self.score_token_tails(held, lang, prompt, prefix, &toks, ends)
    }

    /// The log-likelihood of every token of `tail` after the context and `prefix`
    /// (`score_token_tails` leaves out the tokens all its tails share).
    fn score_every_token(&self, held: &mut Held, lang: &str, prompt: &str, prefix: &[i32], tail: &[i32], ends: bool) -> Result<f64> {
        // A second tail that differs from the first token on, so that every token is scored.
        let tails = [tail.to_vec(), vec![self.ctx.token_eot()]];
        Ok(self.score_token_tails(held, lang, prompt, prefix, &tails, ends)?[0])
    }

    /// `score_tails` for tails given as tokens.
    fn score_token_tails(&self, held: &mut Held, lang: &str, prompt: &str, prefix: &[i32], toks: &[Vec<i32>], ends: bool) -> Result<Vec<f64>> {
        let shortest = toks.iter().map(Vec::len).min().unwrap_or(0);
        if shortest == 0 {
            bail!("nothing to score");
        }
        // Each tail keeps at least one token of its own.
        let shared = (0..shortest - 1).take_while(|&i| toks.iter().all(|t| t[i] == toks[0][i])).count();
        let mut fed = self.context_tokens(lang, prompt)?;
        fed.extend_from_slice(prefix);
        fed.extend_from_slice(&toks[0][..shared]);
        held.feed(&fed)?;
        let after_shared = self.log_probs(held.state)?;
        let eot = self.ctx.token_eot();
        // Tails in token order: each shares its first tokens with the one scored
        // before it, whose scores for those tokens stand, so only the rest is decoded.
        let mut order: Vec<usize> = (0..toks.len()).collect();
        order.sort_by(|&a, &b| toks[a][shared..].cmp(&toks[b][shared..]));
        let mut scores = vec![0f64; toks.len()];
        let (mut prev, mut prev_logp): (&[i32], Vec<f64>) = (&[], Vec::new());
        for i in order {
            let own = &toks[i][shared..];
            let common = prev.iter().zip(own).take_while(|(a, b)| a == b).count();
            // logp[j]: the log-probability of own[j] after own[..j].
            let mut logp = prev_logp[..common].to_vec();
            for j in common..own.len() {
                logp.push(match j {
                    0 => after_shared[own[0] as usize] as f64,
                    _ => {
                        held.step(&[own[j - 1]], fed.len() + j - 1)?;
                        self.log_probs(held.state)?[own[j] as usize] as f64
                    }
                });
            }
            scores[i] = logp.iter().sum();
            if ends {
                held.step(&[own[own.len() - 1]], fed.len() + own.len() - 1)?;
                scores[i] += self.log_probs(held.state)?[eot as usize] as f64;
            }
            (prev, prev_logp) = (own, logp);
        }
        Ok(scores)
    }

    /// Log-probabilities of the next text token (or the end) from the last decode;
    /// special tokens (start, language, timestamps …) are never text and are left out.
    fn log_probs(&self, state: &whisper_rs::WhisperState) -> Result<Vec<f32>> {
        let logits = state.get_logits().map_err(|e| anyhow::anyhow!("speech recognition failed: {e:?}"))?;
        let text = &logits[..=(self.ctx.token_eot() as usize).min(logits.len() - 1)];
        let max = text.iter().fold(f32::NEG_INFINITY, |a, &b| a.max(b));
        let log_sum = text.iter().map(|&l| ((l - max) as f64).exp()).sum::<f64>().ln() + max as f64;
        Ok(text.iter().map(|&l| (l as f64 - log_sum) as f32).collect())
    }

    /// The phone cues and numbering plan of `lang`, for the second listen and recounts.
    fn number_check(&self, lang: &str) -> Option<&digits::NumberCheck> {
        self.numbers.iter().find(|(l, _)| l == lang).map(|(_, c)| c)
    }

    /// Every token of `text`. whisper-rs's `tokenize` breaks (a capacity overflow) when
    /// the text has more tokens than it is given room for; a token is at least one
    /// byte, so room for every byte is always enough.
    fn tokens_of(&self, text: &str) -> Result<Vec<i32>> {
        self.ctx.tokenize(text, text.len() + 1).map_err(|e| anyhow::anyhow!("speech recognition failed: {e:?}"))
    }

    /// The tokens of each of `texts` written after `lead` (what lies between the
    /// forced tokens and a spot, " " in English), for `listen_among`.
    fn tokens_after(&self, lead: &str, texts: &[impl AsRef<str>]) -> Result<Vec<Vec<i32>>> {
        texts.iter().map(|t| self.tokens_of(&format!("{lead}{}", t.as_ref()))).collect()
    }

    /// What whisper_full feeds the decoder before the text:
    /// <|prev|> prompt <|sot|> <|lang|> <|transcribe|> <|notimestamps|>
    fn context_tokens(&self, lang: &str, prompt: &str) -> Result<Vec<i32>> {
        let mut fed = Vec::new();
        if !prompt.is_empty() {
            // As whisper_full does, so the second listen hears what the first pass heard.
            let tokens = self.tokens_of(prompt)?;
            fed.push(self.ctx.token_prev());
            fed.extend_from_slice(&tokens[tokens.len().saturating_sub(MAX_PROMPT_TOKENS)..]);
        }
        let lang_id = whisper_rs::get_lang_id(lang).ok_or_else(|| anyhow::anyhow!("unknown language `{lang}`"))?;
        fed.extend([self.ctx.token_sot(), self.ctx.token_lang(lang_id), self.ctx.token_transcribe(), self.ctx.token_not()]);
        Ok(fed)
    }

    /// Decodes again from the encoder output still in `state` (the audio is not encoded
    /// twice): the prompt and `prefix` are fed, then greedy decoding for at most
    /// `budget` tokens, `mask` masking the logits given the tokens so far (prefix
    /// included), or ending the decoding by returning false.
    fn redecode(&self, held: &mut Held, lang: &str, prompt: &str, prefix: &[i32], mask: &dyn Fn(&[i32], &mut [f32]) -> bool, budget: usize) -> Result<Decoded> {
        let mut fed = self.context_tokens(lang, prompt)?;
        fed.extend_from_slice(prefix);
        held.feed(&fed)?;

        let eot = self.ctx.token_eot();
        let mut text: Vec<i32> = prefix.to_vec();
        let mut logp = 0f64;
        for _ in 0..budget {
            let mut logits = self.log_probs(held.state)?;
            if !mask(&text, &mut logits) {
                break;
            }
            let Some((next, &l)) = logits.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)) else { break };
            if !l.is_finite() || next as i32 == eot {
                break;
            }
            logp += l as f64;
            text.push(next as i32);
            let at = held.tokens.len();
            held.step(&[next as i32], at)?;
        }
        let n_new = text.len() - prefix.len();
        let tokens: Vec<(i32, Vec<u8>)> =
            text.iter().map(|&t| (t, self.ctx.token_to_bytes(t).map(<[u8]>::to_vec).unwrap_or_default())).collect();
        let avg_logprob = if n_new > 0 { (logp / n_new as f64) as f32 } else { 0.0 };
        Ok(Decoded::of_tokens(tokens, avg_logprob, 0.0))
    }

    /// P(no speech) at the start-of-transcript token, from the audio just encoded.
    fn sot_no_speech_prob(&self, held: &mut Held) -> Option<f32> {
        held.step(&[self.ctx.token_sot()], 0).ok()?;
        let logits = held.state.get_logits().ok()?;
        let nosp = logits.get(self.ctx.token_nosp() as usize)?;
        let max = logits.iter().fold(f32::NEG_INFINITY, |a, &b| a.max(b));
        let sum: f64 = logits.iter().map(|&l| ((l - max) as f64).exp()).sum();
        Some((((nosp - max) as f64).exp() / sum) as f32)
    }

    /// Japanese or English, whichever whisper's language detector rates higher.
    fn detect_ja_en(&self, state: &mut whisper_rs::WhisperState, audio: &[f32]) -> Result<&'static str> {
        let err = |e: whisper_rs::WhisperError| anyhow::anyhow!("language detection failed: {e:?}");
        state.pcm_to_mel(audio, self.opts.threads).map_err(err)?;
        let (_, probs) = state.lang_detect(0, self.opts.threads).map_err(err)?;
        let p = |l: &str| whisper_rs::get_lang_id(l).and_then(|i| probs.get(i as usize).copied()).unwrap_or(0.0);
        Ok(if p("ja") >= p("en") { "ja" } else { "en" })
    }
}

/// What `load` gives for each language, leaving out (with a warning) one that fails.
/// `grammars/<lang>/<name>` read as TOML, with its path for the caller's own errors.
fn grammar_file<T: serde::de::DeserializeOwned>(lang: &str, name: &str) -> Result<(T, std::path::PathBuf)> {
    let path = crate::grammar::Grammar::root().join(lang).join(name);
    let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let file = toml::from_str(&text).with_context(|| format!("{} is not valid TOML", path.display()))?;
    Ok((file, path))
}

fn per_language<T>(what: &str, load: impl Fn(&str) -> Result<T>) -> Vec<(String, T)> {
    ["ja", "en"]
        .iter()
        .filter_map(|l| match load(l) {
            Ok(check) => Some((l.to_string(), check)),
            Err(e) => {
                eprintln!("warning: {e:#}; {what} in {l} are heard in one pass only");
                None
            }
        })
        .collect()
}

/// `domain` then `after`, as running text of `lang` (Japanese has no spaces). NUL
/// characters are dropped: whisper-rs panics on a prompt that holds one.
fn joined_prompt(lang: &str, domain: Option<&str>, after: Option<&str>) -> String {
    let after = after.map(str::trim).filter(|a| !a.is_empty());
    let sep = if lang == "ja" { "" } else { " " };
    let joined = match (domain, after) {
        (Some(d), Some(a)) => format!("{d}{sep}{a}"),
        (d, a) => d.or(a).unwrap_or("").to_string(),
    };
    joined.replace('\0', "")
}

/// Whisper skips audio under 1 s, and likes some silence after the last word.
fn pad(samples: &[f32]) -> Vec<f32> {
    let rate = crate::audio::SAMPLE_RATE as usize;
    let len = (samples.len() + rate / 4).max(rate + rate / 10);
    let mut v = samples.to_vec();
    v.resize(len, 0.0);
    v
}

/// Whether `first`, over `samples` of audio lasting at least `long_secs`, kept fewer
/// than `per_second` tokens a second: it left much of what was said out.
fn few_tokens(first: &Decoded, samples: usize, long_secs: f64, per_second: f64) -> bool {
    let secs = samples as f64 / crate::audio::SAMPLE_RATE as f64;
    secs >= long_secs && (first.tokens.len() as f64) < secs * per_second
}

/// Whether `first` is the end of what `fuller` says: it says half as much again, and
/// `first` is more like its last characters than its first (pairs of characters in
/// common, punctuation and spaces left out).
fn kept_only_the_end(first: &str, fuller: &str) -> bool {
    let letters = |s: &str| s.chars().filter(|c| c.is_alphanumeric()).collect::<Vec<char>>();
    let (short, long) = (letters(first), letters(fuller));
    if short.len() < 2 || long.len() * 2 < short.len() * 3 {
        return false;
    }
    let text = |part: &[char]| part.iter().collect::<String>();
    let alike = |part: &[char]| strsim::sorensen_dice(&text(&short), &text(part));
    alike(&long[long.len() - short.len()..]) > alike(&long[..short.len()])
}

/// Encoder positions for `n` samples: 50 per second, plus margin, capped by the model.
pub fn audio_ctx_for(n: usize, model_ctx: usize) -> usize {
    let positions = (n as f64 / crate::audio::SAMPLE_RATE as f64 * 50.0).ceil() as usize;
    (positions + 64).min(model_ctx)
}

/// What whisper invents on silence and noise, per language, from
/// `grammars/<lang>/asr_invented.toml` (both languages: "auto" may pick either).
#[derive(Default, serde::Deserialize)]
struct Invented {
    never: Vec<String>,
    doubtful: Vec<String>,
}

impl Invented {
    fn load() -> Invented {
        let mut all = Invented::default();
        for (lang, builtin) in [
            ("ja", include_str!("../../grammars/ja/asr_invented.toml")),
            ("en", include_str!("../../grammars/en/asr_invented.toml")),
        ] {
            let text = std::fs::read_to_string(crate::grammar::Grammar::root().join(lang).join("asr_invented.toml"))
                .unwrap_or_else(|_| builtin.to_string());
            // A broken edit falls back to the built-in list rather than failing recognition.
            let one: Invented = toml::from_str(&text).or_else(|_| toml::from_str(builtin)).unwrap_or_default();
            all.never.extend(one.never.into_iter().map(|p| p.to_lowercase()));
            all.doubtful.extend(one.doubtful.into_iter().map(|p| p.to_lowercase()));
        }
        all
    }

    fn is_hallucination(&self, text: &str, no_speech_prob: f32) -> bool {
        let t = text.trim().to_lowercase();
        self.never.iter().any(|h| t.contains(h.as_str()))
            || (no_speech_prob > DOUBTFUL_NO_SPEECH && self.doubtful.contains(&t))
    }
}


/// The domain prompt for `lang`: `grammars/<lang>/asr_prompt.txt`, else the built-in copy.
fn load_prompt(lang: &str) -> String {
    let builtin = match lang {
        "ja" => include_str!("../../grammars/ja/asr_prompt.txt"),
        _ => include_str!("../../grammars/en/asr_prompt.txt"),
    };
    std::fs::read_to_string(crate::grammar::Grammar::root().join(lang).join("asr_prompt.txt"))
        .unwrap_or_else(|_| builtin.to_string())
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_before_a_place_end_on_a_whole_character() {
        let t = |id: i32, b: &[u8]| (id, b.to_vec());
        // "は" then "頭" split across two tokens, then "か"
        let ha = "は".as_bytes();
        let atama = "頭".as_bytes();
        let tokens = vec![t(1, ha), t(2, &atama[..2]), t(3, &[atama[2]]), t(4, "か".as_bytes())];
        assert_eq!(tokens_before(&tokens, 3), vec![1]);
        // before か: the split character is whole after token 3
        assert_eq!(tokens_before(&tokens, 6), vec![1, 2, 3]);
        // a place inside the split character keeps only what ends whole
        assert_eq!(tokens_before(&tokens, 5), vec![1]);
        assert_eq!(tokens_before(&tokens, 0), Vec::<i32>::new());
        assert_eq!(tokens_before(&tokens, 99), vec![1, 2, 3, 4]);
    }

    #[test]
    fn a_loop_is_found_where_it_starts() {
        // "… is 0-10777 7888 88 88 88 …": the loop starts at the first repeat.
        let mut ids = vec![1, 2, 3, 4, 5];
        ids.extend([9; 14]);
        assert_eq!(loop_start(&ids), Some(5));
        let mut ids = vec![1, 2, 3];
        ids.extend([7, 8].repeat(8));
        assert_eq!(loop_start(&ids), Some(3));
        // A number said as runs of one digit is no loop.
        assert_eq!(loop_start(&[1, 2, 4, 4, 4, 4, 5, 5, 5, 5, 6]), None);
        assert_eq!(loop_start(&[]), None);
    }

    #[test]
    fn a_long_turn_with_few_tokens_left_speech_out() {
        let pass = |n: usize| Decoded::of_tokens((0..n as i32).map(|i| (i, b"a".to_vec())).collect(), -0.3, 0.0);
        let secs = |s: f64| (s * crate::audio::SAMPLE_RATE as f64) as usize;
        let skipped = |n: usize, s: f64| few_tokens(&pass(n), secs(s), SKIPPED_TURN_SECS, SKIPPED_TOKENS_PER_SECOND);
        // 「名号は1090-674-2058です。」: 13 tokens of 9.9 s
        assert!(skipped(13, 9.9));
        assert!(!skipped(36, 9.9));
        // a number said digit by digit in a short turn: 10 tokens of 6.2 s
        assert!(!skipped(10, 6.2));
    }

    #[test]
    fn a_pass_that_kept_the_end_of_a_fuller_one_lost_its_start() {
        let fuller = "名後日の夜7時24名で予約したいんですが、かとです。番号は090、6174、2058です。";
        assert!(kept_only_the_end("名号は1090-674-2058です。", fuller));
        // The start kept, the end lost: decoded on past the end instead.
        let fuller = " Channel 4310. New, Green, Disadmister.cal, Nero 8, Nero 1212, 3434";
        assert!(!kept_only_the_end(" Channel 43 on Saturday at noon. Please.", fuller));
        assert!(!kept_only_the_end("来週の水曜日の夜6時に3人で予約したいんです。", "来週の水曜日の夜6時23人で予約したいんです。うーわー。松元です。電話番号は09054027716です。"));
        // Not much more said: no lost start.
        assert!(!kept_only_the_end("2058です。", "2058です。はい"));
    }

    #[test]
    fn a_pass_may_write_about_twice_the_fastest_callers_tokens() {
        assert_eq!(max_tokens_for(0), 24);
        // 10 s of speech: callers wrote at most 43 tokens, a loop runs on to 224.
        assert_eq!(max_tokens_for(160_000), 124);
    }

    #[test]
    fn a_phrase_said_three_times_running_is_a_loop_after_its_first_saying() {
        // "… at 7 p.m. My phone number is 090-7 p.m. My phone number is 090-7 …"
        let phrase = [11, 12, 13, 14, 15, 16, 17, 18];
        let mut ids = vec![1, 2, 3];
        ids.extend(phrase.repeat(3));
        assert_eq!(loop_start(&ids), Some(3 + phrase.len()));
        // Said twice (a caller repeating a number) it is speech.
        let mut ids = vec![1, 2, 3];
        ids.extend(phrase.repeat(2));
        ids.extend([4, 5]);
        assert_eq!(loop_start(&ids), None);
    }

    #[test]
    fn a_loop_being_decoded_leaves_only_the_end_token() {
        let guard = LoopGuard { eot: 10, n_vocab: 12 };
        let run = |ids: &[i32]| {
            let tokens: Vec<whisper_rs::whisper_rs_sys::whisper_token_data> = ids
                .iter()
                .map(|&id| whisper_rs::whisper_rs_sys::whisper_token_data {
                    id, tid: 0, p: 0.0, plog: 0.0, pt: 0.0, ptsum: 0.0, t0: 0, t1: 0, t_dtw: 0, vlen: 0.0,
                })
                .collect();
            let mut logits = vec![1.0f32; 12];
            let data = &guard as *const LoopGuard as *mut std::ffi::c_void;
            // SAFETY: the arrays and the guard live through the call.
            unsafe { end_loops(std::ptr::null_mut(), std::ptr::null_mut(), tokens.as_ptr(), ids.len() as i32, logits.as_mut_ptr(), data) };
            logits
        };
        let mut looping = vec![1, 2, 3];
        looping.extend([7; 12]);
        let logits = run(&looping);
        assert_eq!(logits[10], 0.0);
        assert!(logits.iter().enumerate().all(|(i, &l)| i == 10 || l == f32::NEG_INFINITY));
        // Speech, and digits said in runs, are left alone.
        assert_eq!(run(&[1, 2, 3, 4, 4, 4, 4, 5, 5, 5, 5, 6, 7]), vec![1.0; 12]);
    }

    #[test]
    fn the_agents_last_line_follows_the_domain_prompt() {
        let cases = [
            ("en", Some("A booking call."), Some("Is that correct?"), "A booking call. Is that correct?"),
            ("ja", Some("ご予約のお電話です。"), Some("お名前をお願いします。"), "ご予約のお電話です。お名前をお願いします。"),
            ("en", Some("A booking call."), None, "A booking call."),
            ("en", Some("A booking call."), Some("  "), "A booking call."),
            ("en", None, Some("Is that correct?"), "Is that correct?"),
            ("en", None, None, ""),
            ("en", Some("A booking call."), Some("Name: \0Smith"), "A booking call. Name: Smith"),
        ];
        for (lang, domain, after, want) in cases {
            assert_eq!(joined_prompt(lang, domain, after), want);
        }
    }

    #[test]
    fn audio_ctx_grows_with_audio_and_is_capped() {
        let cases = [(16_000, 1500, 114), (48_000, 1500, 214), (16_000 * 30, 1500, 1500), (0, 1500, 64)];
        for (n, cap, want) in cases {
            assert_eq!(audio_ctx_for(n, cap), want, "n={n}");
        }
    }

    #[test]
    fn pads_short_audio_to_over_a_second() {
        assert_eq!(pad(&[0.1; 100]).len(), 17_600);
        assert_eq!(pad(&[0.1; 32_000]).len(), 36_000);
    }

    #[test]
    fn drops_known_hallucinations_only() {
        let cases = [
            ("ご視聴ありがとうございました", 0.0, true),
            ("ご視聴ありがとうございました。", 0.0, true),
            ("Thank you.", 0.5, true),
            ("Thank you.", 0.1, false),
            ("Thank you, bye", 0.5, false),
            ("予約します", 0.9, false),
        ];
        for (t, p, want) in cases {
            assert_eq!(Invented::load().is_hallucination(t, p), want, "{t} at {p}");
        }
    }

    #[test]
    fn prompts_exist_for_both_languages() {
        assert!(load_prompt("ja").contains("予約"));
        assert!(load_prompt("en").contains("reservation"));
        assert!(!load_prompt("ja").contains("名前"), "a name clause in the prompt gets copied into transcripts");
    }
}
