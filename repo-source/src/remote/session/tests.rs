//! Unit tests of the pack-header size guard.

use std::io::{BufRead, Read};

use super::{FirstEntry, SizeGuard, first_entry};

/// A pack header with `count` objects, then an entry header of `kind` and `size`.
fn pack(count: u32, kind: u8, size: u64) -> Vec<u8> {
    let mut bytes = b"PACK".to_vec();
    bytes.extend_from_slice(&2u32.to_be_bytes());
    bytes.extend_from_slice(&count.to_be_bytes());
    let mut byte = (kind << 4) | (size & 0b1111) as u8;
    let mut rest = size >> 4;
    while rest > 0 {
        bytes.push(byte | 0x80);
        byte = (rest & 0x7f) as u8;
        rest >>= 7;
    }
    bytes.push(byte);
    bytes.extend_from_slice(b"compressed content follows");
    bytes
}

#[test]
fn the_first_entry_header_gives_kind_and_size() {
    for size in [0, 15, 16, 1 << 20, (1 << 20) + 1, u64::from(u32::MAX) * 3] {
        let bytes = pack(1, 3, size);
        assert!(
            matches!(first_entry(&bytes), Some(FirstEntry::Blob(s)) if s == size),
            "{size}"
        );
    }
    assert!(matches!(
        first_entry(&pack(1, 2, 100)),
        Some(FirstEntry::Other)
    ));
    assert!(matches!(
        first_entry(&pack(0, 3, 100)),
        Some(FirstEntry::Other)
    ));
    // Too short to tell, or not a pack.
    assert!(first_entry(&pack(1, 3, 1 << 30)[..13]).is_none());
    assert!(first_entry(b"NOPE").is_none());
}

fn read_all(
    bytes: &[u8],
    limit: Option<u64>,
    chunk: usize,
) -> (std::io::Result<Vec<u8>>, Option<u64>) {
    let mut inner = std::io::BufReader::with_capacity(chunk, bytes);
    let mut guard = SizeGuard::new(&mut inner, limit);
    let mut out = Vec::new();
    let result = guard.read_to_end(&mut out).map(|_| out);
    (result, guard.oversized)
}

#[test]
fn a_blob_over_the_limit_stops_the_pack_at_its_header() {
    let big = pack(1, 3, 2 << 20);
    for chunk in [1, 5, 13, 64] {
        let (result, oversized) = read_all(&big, Some(1 << 20), chunk);
        assert!(result.is_err(), "chunk {chunk}");
        assert_eq!(oversized, Some(2 << 20), "chunk {chunk}");
    }
    let small = pack(1, 3, 100);
    let (result, oversized) = read_all(&small, Some(1 << 20), 3);
    assert_eq!(result.unwrap(), small);
    assert_eq!(oversized, None);
    // Without a limit, or for a tree, nothing is checked.
    assert_eq!(read_all(&big, None, 7).0.unwrap(), big);
    let tree = pack(1, 2, 2 << 20);
    assert_eq!(read_all(&tree, Some(10), 7).0.unwrap(), tree);
}

#[test]
fn the_guard_passes_buffered_reads_through() {
    let bytes = pack(2, 3, 10);
    let mut inner = std::io::BufReader::with_capacity(4, &bytes[..]);
    let mut guard = SizeGuard::new(&mut inner, Some(100));
    let mut out = Vec::new();
    loop {
        let buffer = guard.fill_buf().unwrap().to_vec();
        if buffer.is_empty() {
            break;
        }
        let take = buffer.len().min(3);
        out.extend_from_slice(&buffer[..take]);
        guard.consume(take);
    }
    assert_eq!(out, bytes);
}
