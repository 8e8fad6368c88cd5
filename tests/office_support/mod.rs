//! Builders shared by the Office macro tests: compound files written with
//! the `cfb` crate and ZIP packages with the `zip` crate, as Office lays
//! them out.

#![allow(dead_code)]

use std::io::{Cursor, Read, Write};
use std::path::Path;

/// A compound file holding `streams` (path, content), storages created
/// as needed.
pub fn compound<P: AsRef<str>, C: AsRef<[u8]>>(streams: &[(P, C)]) -> Vec<u8> {
    let mut file = cfb::CompoundFile::create(Cursor::new(Vec::new())).expect("create");
    for (path, content) in streams {
        let path = Path::new(path.as_ref());
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            file.create_storage_all(parent).expect("storage");
        }
        file.create_stream(path)
            .expect("stream")
            .write_all(content.as_ref())
            .expect("write");
    }
    file.flush().expect("flush");
    file.into_inner().into_inner()
}

/// Every stream of a compound file: (path without the leading `/`, bytes).
pub fn streams(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes)).expect("cfb");
    let paths: Vec<_> = file
        .walk()
        .filter(|e| e.is_stream())
        .map(|e| e.path().to_path_buf())
        .collect();
    paths
        .into_iter()
        .map(|p| {
            let mut content = Vec::new();
            file.open_stream(&p)
                .expect("stream")
                .read_to_end(&mut content)
                .expect("read");
            (
                p.to_string_lossy().trim_start_matches('/').to_owned(),
                content,
            )
        })
        .collect()
}

/// A ZIP of `parts` (name, content), deflated.
pub fn package<N: AsRef<str>, C: AsRef<[u8]>>(parts: &[(N, C)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, content) in parts {
        zip.start_file(name.as_ref(), options).expect("start");
        zip.write_all(content.as_ref()).expect("write");
    }
    zip.finish().expect("finish").into_inner()
}

/// Every part of a ZIP: (name, decompressed bytes).
pub fn parts(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
    (0..zip.len())
        .map(|i| {
            let mut part = zip.by_index(i).expect("part");
            let name = part.name().expect("utf-8 name").into_owned();
            let mut content = Vec::new();
            part.read_to_end(&mut content).expect("read");
            (name, content)
        })
        .collect()
}
