//! `tts::for_lang` with the engine paths overridden through the environment: a missing
//! program, dictionary or voice is one line naming the Debian package and the install
//! script. One test function, in its own binary, because it changes process env vars.

use yoyaku::tts;

#[test]
fn env_overrides_point_at_missing_pieces() {
    let bogus = "/nonexistent/yoyaku-test";
    // (variable, value, language, text the error must contain)
    let cases = [
        ("YOYAKU_OPEN_JTALK", bogus, "ja", "open-jtalk"),
        ("OPENJTALK_DIC", bogus, "ja", "open-jtalk-mecab-naist-jdic"),
        ("OPENJTALK_VOICE", bogus, "ja", "hts-voice-nitech-jp-atr503-m001"),
        ("YOYAKU_ESPEAK_NG", bogus, "en", "espeak-ng"),
        ("YOYAKU_ESPEAK_WPM", "fast", "en", "YOYAKU_ESPEAK_WPM"),
    ];
    for (var, value, lang, want) in cases {
        std::env::set_var(var, value);
        let msg = match tts::for_lang(lang) {
            Ok(_) => panic!("{var}={value}: for_lang({lang}) should fail"),
            Err(e) => format!("{e:#}"),
        };
        std::env::remove_var(var);
        assert!(msg.contains(want), "{var}: {msg}");
        assert!(!msg.contains('\n'), "{var}: not one line: {msg}");
        if var != "YOYAKU_ESPEAK_WPM" {
            assert!(msg.contains("scripts/install-tts.sh"), "{var}: {msg}");
        }
    }
    // With the overrides gone, the installed engines are found again.
    assert!(tts::for_lang("ja").is_ok() && tts::for_lang("en").is_ok());
}
