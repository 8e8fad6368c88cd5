//! The integration step: the attachments of a parsed message opened as
//! containers, their members turned into [`Inner`] parts (`2.a1`, path
//! `invoice.zip/docs/Rechnung.js`) for the filename and MIME type rules,
//! and everything that could not be examined (encryption, bombs, limits,
//! damage) collected as [`Unexamined`] items for `unchecked` findings.
//!
//! Pure: reads the parts' bodies only; bounded by one [`Budget`] per
//! message.

use std::io::Read;

use bytes::Bytes;

use super::office::{self, MacroKind, OfficeLimits};
use super::tnef::{self, TnefAttachment, TnefLimits};
use super::{
    Budget, Format, Limits, Listing, Member, Problem, RAR_SEARCH, ZIP_TAIL, rar_start, read, sniff,
    stub_start, unopened, unopened_trailer, zip_end,
};
use crate::message::{self, Origin, Part};

/// Bytes of a part looked at to recognise a container: enough for the
/// volume descriptors of a disc image (sectors 16 to 63 of 2 KiB).
const SNIFF_BYTES: usize = 64 * 2048 + 8;

/// What the profile lets the step open (`[conditions.archives]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The formats opened; a container of another format is left closed
    /// (its own name and type still count).
    pub formats: Vec<Format>,
    /// The caps.
    pub limits: Limits,
    /// Office documents (attachments and members) are examined for
    /// macros (`[conditions.macro]` on).
    pub macros: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            formats: Format::ALL.to_vec(),
            limits: Limits::default(),
            macros: true,
        }
    }
}

/// A member of an attachment, as the rules see it.
#[derive(Debug, Clone)]
pub struct Inner {
    /// The member as a part: id `2.a1` (`2.a1.a3` inside a nested
    /// container), its base name in [`Part::names`] (the UTF-8 reading,
    /// else Latin-1, and the name cut at a NUL when it holds one),
    /// declared type `application/octet-stream`, the type detected from
    /// its first bytes, its head (or whole content when read) as body,
    /// [`Origin::Member`].
    pub part: Part,
    /// The id of the MIME part that holds it (`2`).
    pub parent: String,
    /// Its path from the attachment's name, `/`-separated
    /// (`invoice.zip/docs/Rechnung.js`), lossily decoded.
    pub path: String,
    /// Its size as its container declares it (bytes).
    pub size: u64,
}

/// Something inside an attachment that could not be examined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unexamined {
    /// The id of the MIME part concerned.
    pub parent: String,
    /// `path: reason`, one line.
    pub detail: String,
}

/// An Office document with macros found inside an attachment, or an
/// attachment that is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MacroDocument {
    /// The id of the MIME part concerned.
    pub parent: String,
    /// The document's path (the attachment's name for the attachment
    /// itself).
    pub path: String,
    /// What kind of macros, one line.
    pub detail: String,
}

/// The subjects of a saved message found inside an attachment (an `.eml`
/// in an archive, in TNEF, in a Packager object): what its mail client
/// shows when the user opens it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedSubject {
    /// The id of the MIME part concerned.
    pub parent: String,
    /// The saved message's path (`mail.zip/fwd.eml`).
    pub path: String,
    /// Every reading of its `Subject:` fields and of the subjects of the
    /// messages attached to it ([`message::Message::header_readings`],
    /// [`message::Message::attached_subject_readings`]).
    pub readings: Vec<String>,
}

/// Everything found inside the attachments of one message.
#[derive(Debug, Clone, Default)]
pub struct Inside {
    /// Members in document order, each after its container.
    pub members: Vec<Inner>,
    /// What could not be examined, in the order met.
    pub unexamined: Vec<Unexamined>,
    /// Office documents with macros.
    pub macros: Vec<MacroDocument>,
    /// The subjects of saved messages inside attachments, in the order
    /// met (bounded by the member allowance: each is a member's).
    pub subjects: Vec<SavedSubject>,
}

/// Opens every part of `parts` that is a container of an allowed format
/// (recognised from its content, whatever its name or declared type) and
/// lists its members, nested containers included down to
/// [`Limits::max_depth`].
pub fn expand(parts: &[Part], settings: &Settings) -> Inside {
    let mut walk = Walk {
        settings,
        budget: Budget::new(&settings.limits),
        inside: Inside::default(),
        members_left: settings.limits.max_members.saturating_mul(10),
    };
    for part in parts {
        let head = part.body.head(SNIFF_BYTES);
        let name = part_name(part);
        let node = Node {
            parent: &part.id,
            id: &part.id,
            path: &name,
            names: &part.names,
            depth: 1,
        };
        // A TNEF wrapper (winmail.dat) is opened whatever the archive
        // settings: its attachments are what Outlook shows the recipient.
        if head.starts_with(&tnef::SIGNATURE) {
            drop(head);
            walk.tnef(&part.body.bytes(), &node);
            continue;
        }
        let sniffed = sniff(&head);
        // A zip with a stub in front shows only at its end, a RAR within
        // the first MiB.
        let mut active_mime = false;
        let mut end: Option<Vec<u8>> = None;
        let format = match sniffed {
            Some(format) => Some(format),
            None if part.body.len() > head.len() => {
                let (last, marked) = tail(part);
                active_mime = marked;
                let found = zip_end(&last).or_else(|| {
                    let start = part.body.head(RAR_SEARCH);
                    rar_start(&start)
                        .map(|_| Format::Rar)
                        .or_else(|| stub_start(&start).map(|(format, _)| format))
                });
                end = Some(last);
                found
            }
            None => None,
        };
        // An Office document is no container to the rules, but its macros
        // count (a `.doc` is OLE2, a `.docm` a ZIP that is opened below
        // too); the files in its OLE Packager objects are what a
        // double-click runs (in a ZIP-based document they are found among
        // its members when it is opened); an Outlook message file (.msg)
        // lists its attachments, as Outlook shows them. The content is
        // decoded once for all of them. A package behind a stub is a
        // document too: Office opens it.
        let office = office::is_candidate(&head) || format == Some(Format::Zip) || active_mime;
        let macros = settings.macros && office;
        let packaged = office && !format.is_some_and(|f| settings.formats.contains(&f));
        let msg = tnef::is_msg_candidate(&head);
        if macros || packaged || msg {
            let content = part.body.bytes();
            if macros {
                walk.office(&content, &part.id, &name);
            }
            if packaged {
                walk.packaged(&content, &node);
            }
            if msg {
                walk.msg(&content, &node);
            }
        }
        let Some(format) = format else {
            // No container qmvc opens: one it does not is unchecked.
            walk.unopened(&head, Some(end.as_deref().unwrap_or(&head)), &node);
            continue;
        };
        drop(head);
        walk.open(format, &part.body.bytes(), &node);
    }
    walk.inside
}

/// The last [`ZIP_TAIL`] bytes of a part's content, read as a stream
/// (a large base64 body is never held whole for this), and whether the
/// content holds an ActiveMime block anywhere
/// ([`office::carries_active_mime`]: an MHTML document past its head).
fn tail(part: &Part) -> (Vec<u8>, bool) {
    let mut reader = part.body.reader();
    let mut kept: Vec<u8> = Vec::new();
    let mut chunk = vec![0u8; 64 << 10];
    let mut marked = false;
    // Bytes of `kept` already looked at for the marker. The look is made
    // once per large stretch, not per read: a decoder may hand over a
    // few bytes at a time. The marker may straddle two stretches, so
    // each look starts a little before.
    let mut scanned = 0usize;
    loop {
        let n = match reader.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        kept.extend_from_slice(chunk.get(..n).unwrap_or_default());
        if kept.len() > 2 * ZIP_TAIL {
            let stretch = kept.get(scanned.saturating_sub(16)..).unwrap_or_default();
            marked = marked || office::carries_active_mime(stretch);
            kept.drain(..kept.len() - ZIP_TAIL);
            scanned = kept.len();
        }
    }
    let stretch = kept.get(scanned.saturating_sub(16)..).unwrap_or_default();
    marked = marked || office::carries_active_mime(stretch);
    let from = kept.len().saturating_sub(ZIP_TAIL);
    (kept.split_off(from), marked)
}

/// Where a container sits.
struct Node<'a> {
    /// The MIME part.
    parent: &'a str,
    /// The container's own id (`2`, `2.a1`).
    id: &'a str,
    /// The container's path.
    path: &'a str,
    /// Every name the container goes by (a gzip stream's member is named
    /// after each of them).
    names: &'a [String],
    /// 1 for an attachment, 2 for a container inside it, ...
    depth: usize,
}

struct Walk<'s> {
    settings: &'s Settings,
    budget: Budget,
    inside: Inside,
    /// Members still allowed over the whole message.
    members_left: usize,
}

impl Walk<'_> {
    fn problem(&mut self, node: &Node<'_>, detail: String) {
        self.inside.unexamined.push(Unexamined {
            parent: node.parent.to_string(),
            detail: format!("{}: {detail}", node.path),
        });
    }

    /// The problem of `content`, at `node`, when it is an archive of a
    /// format qmvc does not open ([`unopened`]): a client opens it, qmvc
    /// cannot examine what is inside.
    /// `end` is the content's end (its last bytes, or all of it) when
    /// known, for the formats known by a trailer ([`unopened_trailer`]).
    fn unopened(&mut self, content: &[u8], end: Option<&[u8]>, node: &Node<'_>) {
        if let Some(format) = unopened(content).or_else(|| end.and_then(unopened_trailer)) {
            let detail =
                Problem::Unreadable(format!("{format}: an archive format qmvc does not open"))
                    .to_string();
            self.problem(node, detail);
        }
    }

    /// The problem of `what` (a TNEF stream, a saved message...) at
    /// `node`, one level past [`Limits::max_depth`]: not opened, so its
    /// attachments are not examined.
    fn too_deep(&mut self, what: &str, node: &Node<'_>) {
        let detail = format!(
            "limit archives.max_depth exceeded: {what} nested deeper than {}",
            self.settings.limits.max_depth
        );
        self.problem(node, detail);
    }

    /// Counts one more member against the whole message's allowance:
    /// false (and an [`Unexamined`] said once for `node`) when none is
    /// left.
    fn take_member(&mut self, node: &Node<'_>) -> bool {
        if self.members_left == 0 {
            let detail = Problem::Limit {
                limit: "max_members",
                detail: format!(
                    "more than {} members in the whole message",
                    self.settings.limits.max_members.saturating_mul(10)
                ),
            }
            .to_string();
            self.problem(node, detail);
            return false;
        }
        self.members_left -= 1;
        true
    }

    fn open(&mut self, format: Format, content: &[u8], node: &Node<'_>) {
        if !self.settings.formats.contains(&format) {
            return;
        }
        if node.depth > self.settings.limits.max_depth {
            let detail = format!(
                "limit archives.max_depth exceeded: a {} container nested deeper than {}",
                format.name(),
                self.settings.limits.max_depth
            );
            self.problem(node, detail);
            return;
        }
        let Listing { members, problems } = read(format, content, &mut self.budget);
        for problem in problems {
            self.problem(node, problem.to_string());
        }
        for (index, member) in members.into_iter().enumerate() {
            if !self.take_member(node) {
                return;
            }
            self.member(format, member, index + 1, node);
        }
    }

    /// Looks for macros in the Office document `data` at `path` inside
    /// MIME part `parent`: a macro is a [`MacroDocument`], a document that
    /// cannot be examined (encrypted, over a cap, broken) an
    /// [`Unexamined`].
    fn office(&mut self, data: &[u8], parent: &str, path: &str) {
        match office::macros(data, &OfficeLimits::default()) {
            Ok(Some(found)) => self.inside.macros.push(MacroDocument {
                parent: parent.to_string(),
                path: path.to_string(),
                detail: format!("{} ({})", macro_kind(found.kind), found.location),
            }),
            Ok(None) => {}
            Err(e) => self.inside.unexamined.push(Unexamined {
                parent: parent.to_string(),
                detail: format!("{path}: {e}"),
            }),
        }
    }

    /// Lists the attachments of the TNEF stream `content` as members
    /// (`2.t1`, path `winmail.dat/invoice.exe`); an incomplete listing is
    /// [`Unexamined`].
    fn tnef(&mut self, content: &[u8], node: &Node<'_>) {
        let Ok(found) = tnef::attachments(content, &TnefLimits::default()) else {
            return;
        };
        if let Some(cut) = &found.cut {
            self.problem(node, cut.to_string());
        }
        self.tnef_attachments(&found.attachments, node, true);
    }

    /// Lists the files OLE Packager objects carry in the Office document
    /// `content` as members (`2.o1`, path
    /// `invoice.doc/ObjectPool/_1/\x01Ole10Native/invoice.js`), each with
    /// every name it carries.
    fn packaged(&mut self, content: &[u8], node: &Node<'_>) {
        let found = office::packaged_files(content, &OfficeLimits::default());
        // Whether or not the macro rule is on (its reader may stop at
        // the same cap and say so too, or never walk that far).
        if let Some(cut) = found.cut {
            self.problem(node, format!("packaged files not all read: {cut}"));
        }
        for (index, file) in found.files.into_iter().enumerate() {
            if !self.take_member(node) {
                return;
            }
            let list = [TnefAttachment {
                names: file.names,
                mime_type: None,
                data: &file.data,
                truncated: false,
                message: false,
                attachments: Vec::new(),
            }];
            let id = format!("{}.o{}", node.id, index + 1);
            let path = format!("{}/{}", node.path, file.location);
            self.tnef_attachments(
                &list,
                &Node {
                    parent: node.parent,
                    id: &id,
                    path: &path,
                    names: &[],
                    depth: node.depth,
                },
                true,
            );
        }
    }

    /// Lists the attachments of the Outlook message file `content` as
    /// members (`2.t1`, path `Fwd.msg/invoice.exe`), if it is one; an
    /// incomplete listing is [`Unexamined`].
    fn msg(&mut self, content: &[u8], node: &Node<'_>) {
        let Ok(found) = tnef::msg_attachments(content, &TnefLimits::default()) else {
            return;
        };
        if let Some(cut) = &found.cut {
            self.problem(node, cut.to_string());
        }
        let list: Vec<TnefAttachment<'_>> = found
            .attachments
            .iter()
            .map(tnef::MsgAttachment::as_tnef)
            .collect();
        self.tnef_attachments(&list, node, true);
    }

    /// Lists the attachments of the saved message `content` (an `.eml`
    /// inside an archive) as members (`2.a1.t1`, path
    /// `mail.zip/fwd.eml/invoice.exe`), as the mail client that opens it
    /// shows them: every part the message parser finds (nested messages
    /// included) that is an attachment, has a name or is no text, under
    /// all its names and its declared type. The parser's own caps bound
    /// the work; the decoded bodies are charged to the budget and the
    /// members count against the message's.
    fn saved_message(&mut self, content: &[u8], node: &Node<'_>) {
        let parsed = message::parse(content, &message::Limits::default());
        let readings: Vec<String> = parsed
            .header_readings("subject")
            .into_iter()
            .chain(
                parsed
                    .attached_subject_readings()
                    .into_iter()
                    .flat_map(|(_, readings)| readings),
            )
            .map(std::borrow::Cow::into_owned)
            .collect();
        if !readings.is_empty() {
            self.inside.subjects.push(SavedSubject {
                parent: node.parent.to_string(),
                path: node.path.to_string(),
                readings,
            });
        }
        // A cap the parser reached leaves parts unexamined, as it does
        // for the message itself.
        for anomaly in &parsed.anomalies {
            if let message::Anomaly::LimitExceeded { .. } = anomaly {
                self.problem(node, format!("saved message: {}", anomaly.describe()));
            }
        }
        let bodies: Vec<(&Part, std::borrow::Cow<'_, [u8]>)> = parsed
            .parts
            .iter()
            .filter(|p| {
                p.attachment
                    || !p.names.is_empty()
                    || p.detected_type.is_some_and(|t| !t.starts_with("text/"))
            })
            .map(|p| (p, p.body.bytes()))
            .collect();
        // Decoded (base64, quoted-printable) here: charged like any
        // decompressed content.
        let decoded: usize = bodies.iter().map(|(_, body)| body.len()).sum();
        if !self.budget.take(decoded as u64) {
            let detail = Problem::Limit {
                limit: "max_bytes",
                detail: "saved message: attachments not decoded, the message's budget is spent"
                    .into(),
            }
            .to_string();
            self.problem(node, detail);
            return;
        }
        let list: Vec<TnefAttachment<'_>> = bodies
            .iter()
            .map(|(part, body)| TnefAttachment {
                names: part.names.clone(),
                mime_type: Some(part.declared_type.clone()),
                data: body,
                truncated: false,
                message: false,
                attachments: Vec::new(),
            })
            .collect();
        self.tnef_attachments(&list, node, false);
    }

    /// Lists the attachments `list` (of a TNEF stream, an Outlook
    /// message file, OLE Packager objects or a saved message) as members
    /// under `node`, opening each that is a container in turn. With
    /// `messages`, one that is a saved message is opened too (the
    /// client that shows it opens a `.eml` file with its own
    /// attachments); a saved message's own parts come without, as its
    /// parser has already read the messages inside it.
    fn tnef_attachments(&mut self, list: &[TnefAttachment<'_>], node: &Node<'_>, messages: bool) {
        for (index, attachment) in list.iter().enumerate() {
            if !self.take_member(node) {
                return;
            }
            let id = format!("{}.t{}", node.id, index + 1);
            let shown = attachment
                .names
                .first()
                .cloned()
                .unwrap_or_else(|| format!("attachment {}", index + 1));
            let path = format!("{}/{}", node.path, shown);
            let inner = Node {
                parent: node.parent,
                id: &id,
                path: &path,
                names: &attachment.names,
                depth: node.depth + 1,
            };
            if attachment.message {
                // An attached message: its own attachments, in turn.
                self.tnef_attachments(&attachment.attachments, &inner, messages);
                continue;
            }
            let data = attachment.data;
            if attachment.truncated {
                self.problem(&inner, "TNEF attachment cut short".to_string());
            }
            if self.settings.macros && office::is_candidate(data) {
                self.office(data, node.parent, &path);
            }
            if office::is_candidate(data)
                && !sniff(data).is_some_and(|f| self.settings.formats.contains(&f))
            {
                self.packaged(data, &inner);
            }
            let deep = inner.depth > self.settings.limits.max_depth;
            if data.starts_with(&tnef::SIGNATURE) {
                if deep {
                    self.too_deep("a TNEF stream", &inner);
                } else {
                    self.tnef(data, &inner);
                }
            } else if tnef::is_msg_candidate(data) {
                if deep {
                    self.too_deep("an Outlook message file", &inner);
                } else {
                    self.msg(data, &inner);
                }
            } else if let Some(format) = sniff(data) {
                self.open(format, data, &inner);
            } else if messages && super::saved_message(data) {
                if deep {
                    self.too_deep("a saved message", &inner);
                } else {
                    self.saved_message(data, &inner);
                }
            } else {
                self.unopened(data, Some(data), &inner);
            }
            let names: Vec<String> = attachment
                .names
                .iter()
                .filter(|n| !n.is_empty())
                .cloned()
                .collect();
            self.inside.members.push(Inner {
                part: Part {
                    id: id.clone(),
                    depth: inner.depth,
                    declared_type: attachment
                        .mime_type
                        .as_deref()
                        .map(|t| t.trim().to_ascii_lowercase())
                        .filter(|t| t.contains('/') && t.len() < 128)
                        .unwrap_or_else(|| "application/octet-stream".into()),
                    names,
                    attachment: true,
                    body: Bytes::copy_from_slice(data).into(),
                    charset: None,
                    charsets: Vec::new(),
                    flowed: None,
                    detected_type: message::detect(data),
                    origin: Origin::Member,
                },
                parent: node.parent.to_string(),
                path,
                size: data.len() as u64,
            });
        }
    }

    /// Lists `member`, the `index`th of the container at `node`, opening
    /// it in turn when it is a container: one [`Inner`] under its name,
    /// and one more (its head as body) under each other name it goes by
    /// ([`Member::aliases`]; for a gzip, bzip2 or xz stream, every name of
    /// its container with the extension stripped, as gunzip names it
    /// whatever FNAME says).
    fn member(&mut self, format: Format, member: Member, index: usize, node: &Node<'_>) {
        let mut name = decode_name(&member.name);
        let mut aliases: Vec<String> = member.aliases.iter().map(|a| decode_name(a)).collect();
        if matches!(
            format,
            Format::Gzip | Format::Bzip2 | Format::Xz | Format::Zstd | Format::Lz4
        ) {
            let base = [node.path.to_string()];
            let names = if node.names.is_empty() {
                &base[..]
            } else {
                node.names
            };
            for container in names {
                let stripped = stripped_name(container, format);
                if stripped != name && !aliases.contains(&stripped) {
                    aliases.push(stripped);
                }
            }
            if name.is_empty() && !aliases.is_empty() {
                name = aliases.remove(0);
            }
        }
        let id = format!("{}.a{index}", node.id);
        let path = format!("{}/{}", node.path, name.trim_start_matches('/'));
        let names = base_names(&name);
        let content = member.data.as_deref().unwrap_or(&member.head);
        let detected_type = message::detect(content);
        if sniff(content).is_none() {
            let whole = member.data.is_some() || member.head.len() as u64 == member.size;
            self.unopened(
                content,
                whole.then_some(content),
                &Node {
                    parent: node.parent,
                    id: &id,
                    path: &path,
                    names: &[],
                    depth: node.depth + 1,
                },
            );
        }
        // The member as a node of its own, for what is found inside it.
        let inner = Node {
            parent: node.parent,
            id: &id,
            path: &path,
            names: &names,
            depth: node.depth + 1,
        };
        // A member named like a saved message is opened as one by the
        // mail client that opens it, whatever its header looks like (a
        // plain text body's uuencoded block is an attachment there).
        let named = std::iter::once(&name)
            .chain(&aliases)
            .any(|n| message_name(n));
        if named
            && sniff(content).is_none()
            && !tnef::is_msg_candidate(content)
            && !content.starts_with(&tnef::SIGNATURE)
            && !member.data.as_deref().is_some_and(super::saved_message)
        {
            let whole = member.data.as_deref().or_else(|| {
                (member.head.len() as u64 == member.size).then_some(member.head.as_slice())
            });
            match whole {
                Some(_) if inner.depth > self.settings.limits.max_depth => {
                    self.too_deep("a saved message", &inner);
                }
                Some(all) => self.saved_message(all, &inner),
                None => self.problem(
                    &inner,
                    "a saved message by its name, not read whole: its attachments not examined"
                        .to_string(),
                ),
            }
        }
        if let Some(data) = &member.data {
            if self.settings.macros && office::is_candidate(data) {
                self.office(data, node.parent, &path);
            }
            let nested = sniff(data);
            if tnef::is_msg_candidate(data) {
                if inner.depth <= self.settings.limits.max_depth {
                    self.msg(data, &inner);
                } else {
                    self.too_deep("an Outlook message file", &inner);
                }
            }
            if super::saved_message(data) {
                if inner.depth <= self.settings.limits.max_depth {
                    self.saved_message(data, &inner);
                } else {
                    self.too_deep("a saved message", &inner);
                }
            }
            // A winmail.dat kept in an archive: its attachments are what
            // Outlook (or a TNEF reader) shows once it is extracted.
            if data.starts_with(&tnef::SIGNATURE) {
                if inner.depth <= self.settings.limits.max_depth {
                    self.tnef(data, &inner);
                } else {
                    self.too_deep("a TNEF stream", &inner);
                }
            }
            if office::is_candidate(data)
                && !nested.is_some_and(|f| self.settings.formats.contains(&f))
            {
                self.packaged(data, &inner);
            }
            if let Some(format) = nested {
                let mut all = names.clone();
                all.extend(aliases.iter().flat_map(|a| base_names(a)));
                self.open(
                    format,
                    data,
                    &Node {
                        parent: node.parent,
                        id: &id,
                        path: &path,
                        names: &all,
                        depth: node.depth + 1,
                    },
                );
            }
        }
        let inner = |path: String, names: Vec<String>, body: Bytes| Inner {
            part: Part {
                id: id.clone(),
                depth: node.depth,
                declared_type: "application/octet-stream".into(),
                names,
                attachment: true,
                body: body.into(),
                charset: None,
                charsets: Vec::new(),
                flowed: None,
                detected_type,
                origin: Origin::Member,
            },
            parent: node.parent.to_string(),
            path,
            size: member.size,
        };
        let head = Bytes::from(member.head);
        let body = match member.data {
            Some(data) => Bytes::from(data),
            None => head.clone(),
        };
        self.inside.members.push(inner(path, names, body));
        for alias in aliases {
            let path = format!("{}/{}", node.path, alias.trim_start_matches('/'));
            self.inside
                .members
                .push(inner(path, base_names(&alias), head.clone()));
        }
    }
}

/// True when `name` ends like a saved message that mail clients open as
/// one (`.eml`: Outlook, Thunderbird, Apple Mail; `.mht`, `.mhtml`: MIME
/// web archives), case ignored, trailing dots and blanks too (Windows
/// drops them).
fn message_name(name: &str) -> bool {
    let name = name.trim_end_matches(['.', ' ']).to_ascii_lowercase();
    [".eml", ".mht", ".mhtml"].iter().any(|e| name.ends_with(e))
}

/// The names a member at `path` is matched by: its base name (the last
/// part that is not empty: a file named `evil.js/` is `evil.js`), and the
/// base name cut at a NUL when it holds one.
fn base_names(path: &str) -> Vec<String> {
    let base = path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_string();
    let mut names = vec![base.clone()];
    if let Some((cut, _)) = base.split_once('\0') {
        names.push(cut.to_string());
    }
    names.retain(|n| !n.is_empty());
    names
}

/// The name a part is known by in paths: its first name, else `part N`.
fn part_name(part: &Part) -> String {
    part.names
        .first()
        .cloned()
        .unwrap_or_else(|| format!("part {}", part.id))
}

/// How a macro finding names the kind of macro.
fn macro_kind(kind: MacroKind) -> &'static str {
    match kind {
        MacroKind::Vba => "VBA macros",
        MacroKind::Xlm => "Excel 4.0 (XLM) macros",
        MacroKind::Basic => "OpenDocument Basic macros",
        MacroKind::Script => "OpenDocument script macros",
        MacroKind::RemoteTemplate => "remote template (its macros load when the document opens)",
    }
}

/// A member name as text: UTF-8 when it is, else Latin-1 (every byte a
/// character, so that no byte is lost to a replacement character).
pub fn decode_name(raw: &[u8]) -> String {
    match std::str::from_utf8(raw) {
        Ok(s) => s.to_string(),
        Err(_) => raw.iter().map(|&b| char::from(b)).collect(),
    }
}

/// The name gunzip, bunzip2 and unxz give a stream without a stored
/// name: the container's base name without its compression extension
/// (`.tgz` gives `.tar`).
fn stripped_name(container: &str, format: Format) -> String {
    let base = container.rsplit('/').next().unwrap_or(container);
    let lower = base.to_ascii_lowercase();
    let suffixes: &[(&str, &str)] = match format {
        Format::Gzip => &[(".tgz", ".tar"), (".gz", ""), (".z", "")],
        Format::Bzip2 => &[(".tbz2", ".tar"), (".tbz", ".tar"), (".bz2", "")],
        Format::Xz => &[(".txz", ".tar"), (".xz", ""), (".lzma", "")],
        Format::Zstd => &[(".tzst", ".tar"), (".zst", ""), (".zstd", "")],
        Format::Lz4 => &[(".tlz4", ".tar"), (".lz4", "")],
        _ => &[],
    };
    for (suffix, replacement) in suffixes {
        if lower.ends_with(suffix) && base.is_char_boundary(base.len() - suffix.len()) {
            return format!("{}{replacement}", &base[..base.len() - suffix.len()]);
        }
    }
    format!("{base}.out")
}
