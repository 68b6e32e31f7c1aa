//! The file compressions COPY reads and UNLOAD writes: GZIP, BZIP2 and ZSTD, both ways, with the
//! file extensions UNLOAD appends. LZOP (COPY only) is not emulated.
//!
//! "GZIP | LZOP | BZIP2 | ZSTD: … specifies that the input file or files are in compressed …
//! format": <https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-file-compression.html>;
//! UNLOAD: "BZIP2 | GZIP | ZSTD: … A value that specifies that each unloaded file is compressed
//! … Each resulting file is appended with a `.gz`, `.bz2` or `.zst` extension"
//! (<https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html>).

use std::io::{Read as _, Write as _};

use redbridge_sql::Compression;

use crate::texts;

/// A codec the emulator has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Codec {
    /// `GZIP`.
    Gzip,
    /// `BZIP2`.
    Bzip2,
    /// `ZSTD`.
    Zstd,
}

impl Codec {
    /// The codec of a statement's compression keyword; LZOP is refused as not emulated.
    pub fn of(compression: Compression) -> Result<Self, String> {
        match compression {
            Compression::Gzip => Ok(Self::Gzip),
            Compression::Bzip2 => Ok(Self::Bzip2),
            Compression::Zstd => Ok(Self::Zstd),
            Compression::Lzop => Err(texts::not_emulated("COPY from `LZOP` files")),
        }
    }

    /// The extension UNLOAD appends, with its dot.
    #[allow(dead_code)] // UNLOAD's file names take it up next (issue 14, helper `unloadfmt`)
    pub fn extension(self) -> &'static str {
        match self {
            Self::Gzip => ".gz",
            Self::Bzip2 => ".bz2",
            Self::Zstd => ".zst",
        }
    }

    /// The keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            Self::Gzip => "gzip",
            Self::Bzip2 => "bzip2",
            Self::Zstd => "zstd",
        }
    }

    /// Compresses a whole file.
    pub fn compress(self, bytes: &[u8]) -> Result<Vec<u8>, String> {
        let failed = |e: std::io::Error| format!("{}: cannot compress ({e})", self.keyword());
        match self {
            Self::Gzip => {
                let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
                encoder.write_all(bytes).map_err(failed)?;
                encoder.finish().map_err(failed)
            }
            Self::Bzip2 => {
                let mut encoder = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
                encoder.write_all(bytes).map_err(failed)?;
                encoder.finish().map_err(failed)
            }
            Self::Zstd => zstd::stream::encode_all(bytes, 3).map_err(failed),
        }
    }

    /// Decompresses a whole file, concatenated members included, reading at most `limit` bytes
    /// of output: a file that inflates past it is refused instead of filling memory.
    pub fn decompress(self, bytes: &[u8], limit: u64) -> Result<Vec<u8>, String> {
        let mut out = Vec::new();
        let read = match self {
            Self::Gzip => flate2::read::MultiGzDecoder::new(bytes).take(limit.saturating_add(1)).read_to_end(&mut out),
            Self::Bzip2 => bzip2::read::MultiBzDecoder::new(bytes).take(limit.saturating_add(1)).read_to_end(&mut out),
            Self::Zstd => match zstd::stream::read::Decoder::new(bytes) {
                Ok(decoder) => decoder.take(limit.saturating_add(1)).read_to_end(&mut out),
                Err(e) => Err(e),
            },
        };
        read.map_err(|e| format!("{}: the file is not valid {} data ({e})", self.keyword(), self.keyword()))?;
        if out.len() as u64 > limit {
            return Err(format!(
                "{}: the file inflates past {limit} bytes, more than the emulator loads",
                self.keyword()
            ));
        }
        Ok(out)
    }
}

/// The most a single file may inflate to (4 GiB): beyond it the emulator refuses to load it.
pub(crate) const INFLATED_LIMIT: u64 = 4 << 30;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_codec_round_trips_and_names_its_extension() {
        let text = "1|alpha\n2|beta\n".repeat(100);
        for (codec, extension) in [(Codec::Gzip, ".gz"), (Codec::Bzip2, ".bz2"), (Codec::Zstd, ".zst")] {
            let packed = codec.compress(text.as_bytes()).unwrap();
            assert_ne!(packed, text.as_bytes());
            assert_eq!(codec.decompress(&packed, INFLATED_LIMIT).unwrap(), text.as_bytes());
            assert_eq!(codec.extension(), extension);
        }
    }

    #[test]
    fn concatenated_members_are_read_whole() {
        for codec in [Codec::Gzip, Codec::Bzip2, Codec::Zstd] {
            let mut both = codec.compress(b"1|a\n").unwrap();
            both.extend(codec.compress(b"2|b\n").unwrap());
            assert_eq!(codec.decompress(&both, INFLATED_LIMIT).unwrap(), b"1|a\n2|b\n", "{codec:?}");
        }
    }

    #[test]
    fn garbage_and_bombs_are_refused_with_the_codec_named() {
        for codec in [Codec::Gzip, Codec::Bzip2, Codec::Zstd] {
            let error = codec.decompress(b"not compressed at all", INFLATED_LIMIT).unwrap_err();
            assert!(error.starts_with(codec.keyword()), "{error}");
            let bomb = codec.compress(&vec![b'x'; 1 << 20]).unwrap();
            let error = codec.decompress(&bomb, 1000).unwrap_err();
            assert!(error.contains("inflates past 1000 bytes"), "{error}");
        }
    }

    #[test]
    fn lzop_is_refused_as_not_emulated() {
        assert!(Codec::of(Compression::Lzop).unwrap_err().contains("LZOP"));
        assert_eq!(Codec::of(Compression::Zstd).unwrap(), Codec::Zstd);
    }
}
