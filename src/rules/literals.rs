//! Rule sets made only of plain words (`ILOVEYOU`, `invoice overdue`):
//! matched with an Aho-Corasick automaton, which costs a delivery a few
//! thousand instructions to build where the regex set costs some
//! hundred thousand, with exactly the regex set's answers.
//!
//! A pattern is a plain word when it holds none of the characters that
//! mean something outside a class (`\ . + * ? ( ) | [ ] { } ^ $`): the
//! regex of such a pattern matches its text and nothing else. Without
//! case folding that is a substring search. With it, the regex crate
//! folds by Unicode's simple case folding, and among ASCII letters only
//! `k` (KELVIN SIGN, U+212A) and `s` (LONG S, U+017F) fold to a character
//! outside ASCII: a case-insensitive set qualifies only when all its
//! patterns are ASCII without those two letters, and then ASCII case
//! folding is the regex's folding (a test holds this for every ASCII
//! character).

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

/// Characters with a meaning of their own in a regex outside a class.
const SPECIAL: &[char] = &[
    '\\', '.', '+', '*', '?', '(', ')', '|', '[', ']', '{', '}', '^', '$',
];

/// Up to this many words are searched one after the other (memchr's
/// memmem: nothing to build); more go into one automaton.
const FEW: usize = 16;

/// A set of plain words: which of them occur in a text.
#[derive(Debug, Clone)]
pub(super) struct Literals {
    search: Search,
    count: usize,
}

#[derive(Debug, Clone)]
enum Search {
    /// The words (ASCII lower case when folding), each searched alone.
    Few {
        words: Vec<Vec<u8>>,
        case_insensitive: bool,
    },
    /// Aho-Corasick over all of them.
    Many(AhoCorasick),
}

impl Literals {
    /// `patterns` as one automaton, or `None` when one of them is not a
    /// plain word (or, with `case_insensitive`, folds beyond ASCII): the
    /// regex set must take them.
    pub(super) fn new(patterns: &[String], case_insensitive: bool) -> Option<Literals> {
        let plain = |p: &String| {
            !p.is_empty()
                && !p.contains(SPECIAL)
                && (!case_insensitive || (p.is_ascii() && !p.contains(['k', 'K', 's', 'S'])))
        };
        if !patterns.iter().all(plain) {
            return None;
        }
        if patterns.len() <= FEW {
            let words = patterns
                .iter()
                .map(|p| match case_insensitive {
                    true => p.to_ascii_lowercase().into_bytes(),
                    false => p.clone().into_bytes(),
                })
                .collect();
            return Some(Literals {
                search: Search::Few {
                    words,
                    case_insensitive,
                },
                count: patterns.len(),
            });
        }
        // The plain trie with failure links, no prefilter: the cheapest to
        // build, and a message gives it a few short texts.
        let automaton = AhoCorasickBuilder::new()
            .kind(Some(AhoCorasickKind::NoncontiguousNFA))
            .prefilter(false)
            .match_kind(MatchKind::Standard)
            .ascii_case_insensitive(case_insensitive)
            .build(patterns)
            .ok()?;
        Some(Literals {
            search: Search::Many(automaton),
            count: patterns.len(),
        })
    }

    /// Indices of the patterns that occur in `text`, in order.
    pub(super) fn matches(&self, text: &str) -> Vec<usize> {
        let automaton = match &self.search {
            Search::Many(automaton) => automaton,
            Search::Few {
                words,
                case_insensitive,
            } => {
                let folded;
                let hay = if *case_insensitive {
                    folded = text.to_ascii_lowercase();
                    folded.as_bytes()
                } else {
                    text.as_bytes()
                };
                return words
                    .iter()
                    .enumerate()
                    .filter(|(_, w)| memchr::memmem::find(hay, w).is_some())
                    .map(|(i, _)| i)
                    .collect();
            }
        };
        let mut seen = vec![false; self.count];
        for found in automaton.find_overlapping_iter(text) {
            if let Some(slot) = seen.get_mut(found.pattern().as_usize()) {
                *slot = true;
            }
        }
        seen.iter()
            .enumerate()
            .filter_map(|(i, &hit)| hit.then_some(i))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use regex_syntax::hir::{Class, HirKind};

    use super::*;

    /// What `(?i)c` matches, as the regex crate's parser gives it.
    fn folds(c: char) -> Vec<char> {
        let hir = regex_syntax::ParserBuilder::new()
            .case_insensitive(true)
            .build()
            .parse(&regex_syntax::escape(&c.to_string()))
            .expect("one character parses");
        match hir.kind() {
            HirKind::Class(Class::Unicode(class)) => {
                class.iter().flat_map(|r| r.start()..=r.end()).collect()
            }
            HirKind::Literal(_) => vec![c],
            other => panic!("{c:?}: {other:?}"),
        }
    }

    #[test]
    fn among_ascii_only_k_and_s_fold_beyond_ascii() {
        for byte in 0x20u8..0x7f {
            let c = char::from(byte);
            let beyond: Vec<char> = folds(c).into_iter().filter(|f| !f.is_ascii()).collect();
            let expected = matches!(c, 'k' | 'K' | 's' | 'S');
            assert_eq!(!beyond.is_empty(), expected, "{c:?} folds to {beyond:?}");
        }
    }

    #[test]
    fn answers_as_the_regex_set_does() {
        let words: Vec<String> = ["ILOVEYOU", "I-LOVE-YOU", "#1 offer", "love"]
            .iter()
            .map(|w| w.to_string())
            .collect();
        for ci in [true, false] {
            let literals = Literals::new(&words, ci).expect("plain words");
            let set = regex::RegexSetBuilder::new(&words)
                .case_insensitive(ci)
                .build()
                .expect("set");
            for text in [
                "ILOVEYOU",
                "fw: iloveyou!",
                "i-love-you and ILOVEYOU",
                "Ｉlove",
                "#1 OFFER",
                "",
                "lov",
            ] {
                let expected: Vec<usize> = set.matches(text).into_iter().collect();
                assert_eq!(literals.matches(text), expected, "{text:?} ci={ci}");
            }
        }
    }

    /// More words than [`FEW`] take the automaton: the same answers.
    #[test]
    fn many_words_answer_as_the_regex_set_does() {
        let words: Vec<String> = (0..40).map(|i| format!("word{i}-")).collect();
        for ci in [true, false] {
            let literals = Literals::new(&words, ci).expect("plain words");
            assert!(matches!(literals.search, Search::Many(_)));
            let set = regex::RegexSetBuilder::new(&words)
                .case_insensitive(ci)
                .build()
                .expect("set");
            for text in ["WORD3-word17-", "word39-", "word4", "xWord12-x"] {
                let expected: Vec<usize> = set.matches(text).into_iter().collect();
                assert_eq!(literals.matches(text), expected, "{text:?} ci={ci}");
            }
        }
    }

    #[test]
    fn what_a_regex_must_take() {
        let set = |p: &[&str], ci| {
            let p: Vec<String> = p.iter().map(|s| s.to_string()).collect();
            Literals::new(&p, ci).is_some()
        };
        assert!(set(&["ILOVEYOU"], true));
        assert!(!set(&["I.LOVE"], true));
        assert!(!set(&["(?i)x"], false));
        assert!(!set(&["kiss"], true), "k and s fold beyond ASCII");
        assert!(set(&["kiss"], false));
        assert!(!set(&["café"], true));
        assert!(set(&["café"], false));
        assert!(!set(&["a", ""], false));
    }
}
