//! S/MIME opaque signed data (RFC 8551 §3.5.2, `application/pkcs7-mime;
//! smime-type=signed-data`, and the older `application/x-pkcs7-mime` of
//! RFC 2311): the signed MIME entity is carried inside a CMS SignedData
//! structure (RFC 5652 §5), signed but not encrypted, and every S/MIME
//! client shows it. This finds that entity; the signature is not checked
//! (a filter judges what the recipient sees, signed or not).
//!
//! Pure and bounded: a small BER reader (ITU-T X.690: definite and
//! indefinite lengths, constructed OCTET STRINGs as Outlook writes them),
//! nesting capped, output capped by the caller's budget.

/// `1.2.840.113549.1.7.2`, id-signedData (RFC 5652 §5.1), DER-encoded.
const SIGNED_DATA: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02];

/// Nesting followed at most (constructed strings inside strings...).
const MAX_NESTING: usize = 16;

/// The encapsulated content of a CMS SignedData (`eContent`), at most
/// `budget` bytes; `None` when `der` is no SignedData or carries no
/// content (detached or enveloped data).
pub(crate) fn signed_content(der: &[u8], budget: usize) -> Option<Vec<u8>> {
    let (info, _) = element(der, 0)?;
    let mut fields = children(&info)?;
    let oid = fields.next()?;
    if oid.tag != 0x06 || oid.content != SIGNED_DATA {
        return None;
    }
    let explicit = fields.next()?;
    let signed = children(&explicit)?.next()?;
    // SignedData: version, digestAlgorithms, encapContentInfo, ...
    let encap = children(&signed)?.nth(2)?;
    let mut encap = children(&encap)?;
    let _content_type = encap.next()?;
    let wrapped = encap.next()?;
    let string = children(&wrapped)?.next()?;
    let mut out = Vec::new();
    octets(&string, budget, 0, &mut out);
    (!out.is_empty()).then_some(out)
}

/// One BER element.
struct Element<'a> {
    tag: u8,
    constructed: bool,
    content: &'a [u8],
}

/// The element at the start of `data` and the bytes after it.
fn element(data: &[u8], depth: usize) -> Option<(Element<'_>, &[u8])> {
    if depth > MAX_NESTING {
        return None;
    }
    let tag = *data.first()?;
    if tag & 0x1F == 0x1F {
        return None; // multi-byte tags: not in CMS
    }
    let first = *data.get(1)?;
    let (len, header) = match first {
        0x80 => {
            // Indefinite: elements up to an end-of-contents (00 00).
            let mut at = 2;
            loop {
                let rest = data.get(at..)?;
                if rest.starts_with(&[0, 0]) {
                    break;
                }
                let (_, after) = element(rest, depth + 1)?;
                at += rest.len() - after.len();
            }
            let content = data.get(2..at)?;
            let el = Element {
                tag,
                constructed: tag & 0x20 != 0,
                content,
            };
            return Some((el, data.get(at + 2..)?));
        }
        n if n < 0x80 => (usize::from(n), 2),
        n => {
            let count = usize::from(n & 0x7F);
            if count > 4 {
                return None;
            }
            let len = data
                .get(2..2 + count)?
                .iter()
                .fold(0usize, |acc, &b| acc << 8 | usize::from(b));
            (len, 2 + count)
        }
    };
    let content = data.get(header..header.checked_add(len)?)?;
    let el = Element {
        tag,
        constructed: tag & 0x20 != 0,
        content,
    };
    Some((el, data.get(header + len..)?))
}

/// The elements inside a constructed element.
fn children<'a>(el: &Element<'a>) -> Option<impl Iterator<Item = Element<'a>>> {
    if !el.constructed {
        return None;
    }
    let mut rest = el.content;
    Some(std::iter::from_fn(move || {
        let (child, after) = element(rest, 1)?;
        rest = after;
        Some(child)
    }))
}

/// The bytes of an OCTET STRING, primitive (04) or constructed (24) of
/// pieces, appended to `out` up to `budget`.
fn octets(el: &Element<'_>, budget: usize, depth: usize, out: &mut Vec<u8>) {
    if depth > MAX_NESTING || out.len() >= budget {
        return;
    }
    if !el.constructed {
        let room = budget - out.len();
        out.extend_from_slice(el.content.get(..room.min(el.content.len())).unwrap_or(b""));
        return;
    }
    if let Some(pieces) = children(el) {
        for piece in pieces {
            octets(&piece, budget, depth + 1, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut v = vec![tag];
        if content.len() < 0x80 {
            v.push(content.len() as u8);
        } else {
            v.extend_from_slice(&[0x82, (content.len() >> 8) as u8, content.len() as u8]);
        }
        v.extend_from_slice(content);
        v
    }

    fn signed(inner: &[u8], indefinite: bool) -> Vec<u8> {
        let string = if indefinite {
            let mut s = vec![0x24, 0x80];
            s.extend(tlv(0x04, &inner[..3]));
            s.extend(tlv(0x04, &inner[3..]));
            s.extend_from_slice(&[0, 0]);
            s
        } else {
            tlv(0x04, inner)
        };
        let encap = tlv(
            0x30,
            &[tlv(0x06, &[0x2A, 0x86]), tlv(0xA0, &string)].concat(),
        );
        let sd = tlv(
            0x30,
            &[tlv(0x02, &[1]), tlv(0x31, &[]), encap, tlv(0x31, &[])].concat(),
        );
        tlv(0x30, &[tlv(0x06, SIGNED_DATA), tlv(0xA0, &sd)].concat())
    }

    #[test]
    fn content_found_in_definite_and_indefinite_encodings() {
        let inner = b"Content-Type: text/plain\r\n\r\nhello";
        assert_eq!(
            signed_content(&signed(inner, false), 1000).as_deref(),
            Some(&inner[..])
        );
        assert_eq!(
            signed_content(&signed(inner, true), 1000).as_deref(),
            Some(&inner[..])
        );
        assert_eq!(
            signed_content(&signed(inner, false), 5).as_deref(),
            Some(&inner[..5])
        );
    }

    #[test]
    fn other_structures_and_garbage_give_nothing() {
        let enveloped = tlv(
            0x30,
            &[tlv(0x06, &[0x2A, 0x86, 0x48]), tlv(0xA0, &[])].concat(),
        );
        assert_eq!(signed_content(&enveloped, 100), None);
        for junk in [
            &b""[..],
            &[0x30, 0x80],
            &[0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF],
            &[0x30; 64],
        ] {
            assert_eq!(signed_content(junk, 100), None);
        }
    }
}
