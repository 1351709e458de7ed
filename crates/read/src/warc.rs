//! WARC reader (placeholder until the WARC reader lands: every WARC file is rejected).

use std::io::BufRead;

use pith_core::Reject;

use crate::reader::Item;

pub(crate) struct WarcItems {
    pending: Option<Item>,
}

impl WarcItems {
    pub(crate) fn new<R: BufRead + Send + 'static>(
        name: String,
        _id_base: String,
        _compression: Option<&'static str>,
        _max_record_bytes: u64,
        _input: R,
    ) -> Self {
        WarcItems {
            pending: Some(Item::Reject(Box::new(Reject::new(
                name,
                "unsupported_format",
                "WARC reading is not built yet",
            )))),
        }
    }
}

impl Iterator for WarcItems {
    type Item = Item;
    fn next(&mut self) -> Option<Item> {
        self.pending.take()
    }
}
