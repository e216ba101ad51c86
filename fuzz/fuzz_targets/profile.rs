//! Any text as a shared config or credentials file: parsing never panics; an error names a
//! line of the text; what parses, written back out as `[section]` and `key = value` lines,
//! parses to the same sections.
#![no_main]
use libfuzzer_sys::fuzz_target;
use sigv4::fuzzing::parse_profile_file;

fuzz_target!(|text: &str| {
    match parse_profile_file(text) {
        Err(sigv4::CredentialsError::Parse { line, .. }) => {
            assert!(line >= 1 && line <= text.lines().count(), "line {line} of {}", text.lines().count());
        }
        Err(e) => panic!("not a parse error: {e}"),
        Ok(sections) => {
            let mut again = String::new();
            for (name, keys) in &sections {
                again.push_str(&format!("[{name}]\n"));
                for (k, v) in keys {
                    again.push_str(&format!("{k} = {v}\n"));
                }
            }
            let reparsed = parse_profile_file(&again).expect("written back, it parses");
            assert_eq!(reparsed, sections);
        }
    }
});
