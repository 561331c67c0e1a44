//! The tidy reader's fast path, for files that need no error report.
//!
//! A large tidy file is almost all `line` rows. This path reads them without
//! making a string per cell or per amount: fields are slices of the text,
//! ids are looked up in small tables, and each line goes straight into the
//! plan's column-wise line table. Every other row goes through the careful
//! reader's own row handling, so their rules are written once.
//!
//! The fast path gives up (returns `None`) at the first thing it does not
//! expect: a CSV feature it does not read (an escaped quote, a lone carriage
//! return, a quote inside a field), a row in an error, an id not yet
//! declared, a line whose rows are not together, or a plan the builder
//! refuses. The careful reader then reads the whole file again and reports
//! every error with its line and column. On files both accept, the two give
//! equal plans (tested on every file of the test corpus and on random plans).

use foldhash::HashMap;

use super::read::{set_attribute, Reading};
use super::{
    AMOUNT, CONTRIBUTOR, FUNDING, HEADER, HEADER_WITHOUT_PRECISION, ID, KIND, NAME, PRECISION, PROGRAMME, TEXT_COLUMNS,
    YEAR,
};
use crate::io::resolve::{plain_amount, Head};
use crate::money::{Money, Precision, Unit};
use crate::plan::{LineAttributes, LineTableBuilder, Plan, ProgrammeIx};

/// Reads `text` (without its byte-order mark) if it is a valid tidy plan
/// written plainly; `None` sends it to the careful reader.
pub(super) fn read(text: &str) -> Option<Plan> {
    let mut fast = Fast::new(widen(text.len()));
    fast.feed(text)?;
    fast.finish()
}

/// How a file read piece by piece ended.
pub(crate) enum Streamed {
    /// The plan (boxed: a plan is large beside the other outcomes).
    Plan(Box<Plan>),
    /// The fast path declined the file (not a plainly written valid tidy
    /// plan, or not UTF-8): read it whole with the careful reader.
    Declined,
    /// More than the limit was read.
    TooBig,
}

/// The size of a piece of a file read at a time: big enough that reading
/// costs nothing beside parsing, small enough to stay in cache.
const PIECE: usize = 1 << 20;

/// Reads a tidy plan from `reader` a piece at a time (no copy of the whole
/// file is held), for a file of about `bytes` bytes, refusing more than
/// `limit` bytes. Each piece ends at a line break; a record longer than a
/// piece grows the buffer to hold it.
///
/// # Errors
///
/// An I/O failure of `reader`.
pub(crate) fn read_stream(reader: impl std::io::Read, bytes: u64, limit: u64) -> std::io::Result<Streamed> {
    read_pieces(reader, bytes, limit, PIECE)
}

/// [`read_stream`] a piece of at least `piece` bytes at a time. The
/// pieces up to the first scheme line are read in order; the rest are
/// parsed on every core and joined in file order, so the plan (or the
/// decision to decline) is the same as reading them one after another.
fn read_pieces(reader: impl std::io::Read, bytes: u64, limit: u64, piece: usize) -> std::io::Result<Streamed> {
    let mut pieces = Pieces::new(reader, piece, limit);
    let mut fast = Fast::new(bytes);
    let mut first = true;
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    // In order until the head is known, and to the end on one core.
    while fast.head.is_none() || threads < 2 {
        match pieces.next()? {
            Next::TooBig => return Ok(Streamed::TooBig),
            Next::End => return Ok(finished(fast)),
            Next::Piece(p) => {
                let Some(text) = text_of(&p, &mut first) else {
                    return Ok(Streamed::Declined);
                };
                if fast.feed(text).is_none() {
                    return Ok(Streamed::Declined);
                }
                pieces.give_back(p);
            }
        }
    }
    in_parallel(fast, pieces, threads.min(MAX_THREADS))
}

/// The most threads parsing pieces at once.
const MAX_THREADS: usize = 8;

/// Parses the remaining pieces on `threads` threads into partial readers,
/// joining each into `fast` in file order as it is ready.
fn in_parallel(mut fast: Fast, mut pieces: Pieces<impl std::io::Read>, threads: usize) -> std::io::Result<Streamed> {
    use std::collections::BTreeMap;
    use std::sync::mpsc;
    let (Some(head), Some(width)) = (fast.head.clone(), fast.width) else {
        return Ok(Streamed::Declined);
    };
    let (work, jobs) = mpsc::sync_channel::<(usize, Vec<u8>)>(threads);
    let jobs = std::sync::Mutex::new(jobs);
    // Each piece's bytes come back with its part, to be filled again.
    let (done, results) = mpsc::channel::<(usize, Option<Fast>, Vec<u8>)>();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let (done, jobs, head) = (done.clone(), &jobs, &head);
            scope.spawn(move || loop {
                let job = match jobs.lock() {
                    Ok(rx) => rx.recv(),
                    Err(_) => return,
                };
                let Ok((i, bytes)) = job else { return };
                let part = std::str::from_utf8(&bytes).ok().and_then(|text| {
                    let mut part = Fast::part(head.clone(), width, text.len());
                    part.feed(text)?;
                    Some(part)
                });
                if done.send((i, part, bytes)).is_err() {
                    return;
                }
            });
        }
        drop(done);
        let mut sent = 0usize;
        let mut joined = 0usize;
        let mut ready: BTreeMap<usize, Option<Fast>> = BTreeMap::new();
        // Joins every part ready in file order; `None` once one declines.
        let join = |fast: &mut Fast, ready: &mut BTreeMap<usize, Option<Fast>>, joined: &mut usize| -> Option<()> {
            while let Some(part) = ready.remove(joined) {
                fast.join(part?)?;
                *joined = joined.saturating_add(1);
            }
            Some(())
        };
        loop {
            match pieces.next()? {
                Next::TooBig => return Ok(Streamed::TooBig),
                Next::End => break,
                Next::Piece(p) => {
                    if work.send((sent, p)).is_err() {
                        return Ok(Streamed::Declined);
                    }
                    sent = sent.saturating_add(1);
                }
            }
            while let Ok((i, part, bytes)) = results.try_recv() {
                ready.insert(i, part);
                pieces.give_back(bytes);
            }
            if join(&mut fast, &mut ready, &mut joined).is_none() {
                return Ok(Streamed::Declined);
            }
        }
        drop(work);
        while joined < sent {
            let Ok((i, part, _)) = results.recv() else {
                return Ok(Streamed::Declined);
            };
            ready.insert(i, part);
            if join(&mut fast, &mut ready, &mut joined).is_none() {
                return Ok(Streamed::Declined);
            }
        }
        Ok(finished(fast))
    })
}

/// The plan `fast` has read, or `Declined`.
fn finished(fast: Fast) -> Streamed {
    fast.finish()
        .map_or(Streamed::Declined, |p| Streamed::Plan(Box::new(p)))
}

/// The text of a piece (the first without its byte-order mark), if UTF-8.
fn text_of<'p>(piece: &'p [u8], first: &mut bool) -> Option<&'p str> {
    let text = std::str::from_utf8(piece).ok()?;
    if std::mem::replace(first, false) {
        return Some(text.strip_prefix('\u{feff}').unwrap_or(text));
    }
    Some(text)
}

/// A byte count as a `u64`: every `usize` Rust supports fits one.
fn widen(n: usize) -> u64 {
    u64::try_from(n).expect("a usize fits a u64 on every platform Rust supports")
}

/// What [`Pieces::next`] found.
enum Next {
    /// Whole records: a piece ending after a line break, or the file's end.
    Piece(Vec<u8>),
    /// Nothing more.
    End,
    /// More than the limit.
    TooBig,
}

/// A reader's bytes, a piece at a time, each piece whole records.
struct Pieces<R> {
    reader: R,
    buf: Vec<u8>,
    /// Buffers of pieces already parsed, filled again before any new one
    /// is allocated: a new buffer is fresh pages the kernel must fault in
    /// and clear, a piece at a time.
    spare: Vec<Vec<u8>>,
    piece: usize,
    total: u64,
    limit: u64,
    ended: bool,
}

impl<R: std::io::Read> Pieces<R> {
    fn new(reader: R, piece: usize, limit: u64) -> Pieces<R> {
        Pieces {
            reader,
            buf: Vec::new(),
            spare: Vec::new(),
            piece: piece.max(1),
            total: 0,
            limit,
            ended: false,
        }
    }

    /// Keeps the buffer of a piece already parsed, to fill again (a few:
    /// as many as are filled at once).
    fn give_back(&mut self, buf: Vec<u8>) {
        if self.spare.len() < MAX_THREADS {
            self.spare.push(buf);
        }
    }

    /// The next piece: at least `piece` bytes unless the file ends, cut
    /// after its last line break (a record longer than that makes the
    /// piece longer).
    fn next(&mut self) -> std::io::Result<Next> {
        use std::io::Read;
        let mut want = self.piece;
        loop {
            if self.ended {
                if self.buf.is_empty() {
                    return Ok(Next::End);
                }
                return Ok(Next::Piece(std::mem::take(&mut self.buf)));
            }
            let room = want.saturating_sub(self.buf.len());
            self.buf.reserve(room);
            let n = (&mut self.reader).take(widen(room)).read_to_end(&mut self.buf)?;
            let (n, room) = (widen(n), widen(room));
            self.total = self.total.saturating_add(n);
            if self.total > self.limit {
                return Ok(Next::TooBig);
            }
            if n < room || room == 0 {
                self.ended = n < room;
            }
            if self.ended {
                continue;
            }
            match memchr::memrchr(b'\n', &self.buf) {
                Some(i) => {
                    // What follows the last line break starts the next piece.
                    let mut next = self.spare.pop().unwrap_or_default();
                    next.clear();
                    if let Some(rest) = self.buf.get(i.saturating_add(1)..) {
                        next.extend_from_slice(rest);
                    }
                    self.buf.truncate(i.saturating_add(1));
                    return Ok(Next::Piece(std::mem::replace(&mut self.buf, next)));
                }
                // One record longer than the piece: read on.
                None => want = want.saturating_mul(2).max(self.buf.len().saturating_add(1)),
            }
        }
    }
}

/// The most distinct cells remembered by the text of their row (beyond, a
/// row's cell is looked up field by field, as when its row is quoted).
const REMEMBERED_CELLS: usize = 1 << 16;

/// The fast reader's state between pieces of a file: the head (what line
/// rows refer to), the lines read so far, and every other row read by the
/// careful reader's own row handling.
pub(crate) struct Fast {
    /// The number of columns, once the header is read.
    width: Option<usize>,
    reading: Reading<'static>,
    head: Option<Head>,
    lines: LineTableBuilder,
    /// The programme of the line being read, as written.
    programme: String,
    /// The text of the line being read's first row from its id to its
    /// programme, if that row was plain (else empty).
    line_key: String,
    current: Option<ProgrammeIx>,
    /// Cells by the text of a row from its programme to its funding, for
    /// rows with no quote, a non-blank amount and no precision of their own.
    cells: HashMap<Box<str>, u32>,
    /// The same cells by programme, then by the text from contributor to
    /// funding: what a line's next row is looked up by.
    next_row_cells: Vec<HashMap<Box<str>, u32>>,
    /// The text of the line being read's first row up to its contributor
    /// (record, id, name, kind and programme, and their commas), if that
    /// row was plain (else empty): a next row starting with it is read
    /// without splitting its first fields again.
    row_prefix: String,
    /// `attribute` rows: line id, kind and value.
    attributes: Vec<[String; 3]>,
    /// A part of a file (see [`Fast::part`]) keeps its rows other than
    /// lines and attributes here, for the reader it is joined to.
    deferred: Option<Vec<Vec<String>>>,
}

impl Fast {
    /// A reader for a file of about `bytes` bytes (used only to size its
    /// columns; any size is read).
    pub(crate) fn new(bytes: u64) -> Fast {
        // A tidy file is almost all amount rows, each at least 20 bytes,
        // and some fraction of that many scheme lines. Reserved capacity no
        // row fills is address space, not memory; a file too large for
        // the address space reserves nothing.
        let lines = match usize::try_from(bytes / 24) {
            Ok(amounts) => LineTableBuilder::with_capacity(amounts / 4, amounts, amounts / 2),
            Err(_) => LineTableBuilder::default(),
        };
        Fast {
            width: None,
            reading: Reading::new("", HEADER.len()),
            head: None,
            lines,
            programme: String::new(),
            line_key: String::new(),
            row_prefix: String::new(),
            next_row_cells: Vec::new(),
            current: None,
            cells: HashMap::default(),
            attributes: Vec::new(),
            deferred: None,
        }
    }

    /// A reader for a piece of a file after its first scheme line, whose
    /// head and width are known; joined to the reader of what came before
    /// with [`Fast::join`].
    fn part(head: Head, width: usize, bytes: usize) -> Fast {
        let mut part = Fast::new(widen(bytes));
        part.width = Some(width);
        part.head = Some(head);
        part.deferred = Some(Vec::new());
        part
    }

    /// Joins `part`, read from the text that follows this reader's, as if
    /// this reader had read that text; `None` if that would decline.
    fn join(&mut self, part: Fast) -> Option<()> {
        // Only a part defers its rows; a reader that kept none is no part.
        let rows = part.deferred?;
        for row in rows {
            self.reading.record(0, row.iter().map(String::as_str).collect());
        }
        self.attributes.extend(part.attributes);
        if part.lines.len() > 0 {
            if !self.lines.append(part.lines).ok()? {
                return None;
            }
            self.current = part.current;
            self.programme = part.programme;
            self.line_key = part.line_key;
            self.row_prefix = part.row_prefix;
        }
        Some(())
    }

    /// Reads the records of `text`, which holds whole records (it ends
    /// after a line break, or at the end of the file); the first piece
    /// starts with the header. `None` if the fast path declines the file.
    pub(crate) fn feed(&mut self, text: &str) -> Option<()> {
        let mut fields: Vec<&str> = Vec::with_capacity(HEADER.len());
        let mut rest = text;
        while !rest.is_empty() {
            let (record, next) = match memchr::memchr(b'\n', rest.as_bytes()) {
                Some(i) => (rest.get(..i)?, rest.get(i.checked_add(1)?..)?),
                None => (rest, ""),
            };
            rest = next;
            let record = record.strip_suffix('\r').unwrap_or(record);
            if !self.row_prefix.is_empty() {
                if let Some(rest) = record.strip_prefix(self.row_prefix.as_str()) {
                    match self.next_row(rest) {
                        NextRow::Read => continue,
                        NextRow::Declined => return None,
                        NextRow::Split => {}
                    }
                }
            }
            let plain = split(record, &mut fields)?;
            if self.width.is_none() {
                self.header(&fields)?;
            } else {
                self.record(record, plain, &fields)?;
            }
        }
        Some(())
    }

    /// A next row of the line being read, given after the line's first
    /// fields: read here if its cell was seen (by the same text) on a plain
    /// row of the line's programme and its amount is plain digits; else it
    /// is split and read as any row.
    fn next_row(&mut self, rest: &str) -> NextRow {
        let (Some(width), Some(p)) = (self.width, self.current) else {
            return NextRow::Split;
        };
        // With a precision column, only a blank precision.
        let rest = if width == HEADER.len() {
            match rest.strip_suffix(',') {
                Some(r) => r,
                None => return NextRow::Split,
            }
        } else {
            rest
        };
        let Some(comma) = memchr::memrchr(b',', rest.as_bytes()) else {
            return NextRow::Split;
        };
        let (Some(span), Some(amount)) = (rest.get(..comma), rest.get(comma.saturating_add(1)..)) else {
            return NextRow::Split;
        };
        // A remembered span has exactly the contributor, year and funding
        // of a row that passed every check, so the row has its columns.
        let Some(c) = usize::try_from(p.pos())
            .ok()
            .and_then(|p| self.next_row_cells.get(p))
            .and_then(|m| m.get(span).copied())
        else {
            return NextRow::Split;
        };
        let Some((units, scale)) = plain_amount(amount) else {
            return NextRow::Split;
        };
        match self.lines.push_units(c, units, scale) {
            Ok(()) => NextRow::Read,
            Err(_) => NextRow::Declined,
        }
    }

    fn header(&mut self, cells: &[&str]) -> Option<()> {
        let width = cells.len();
        if width != HEADER.len() && width != HEADER_WITHOUT_PRECISION {
            return None;
        }
        for (got, expected) in cells.iter().zip(HEADER) {
            if !got.trim().eq_ignore_ascii_case(expected) {
                return None;
            }
        }
        self.width = Some(width);
        self.reading = Reading::new("", width);
        Some(())
    }

    fn record(&mut self, record: &str, plain: bool, cells: &[&str]) -> Option<()> {
        let width = self.width?;
        if cells.first().map_or(true, |c| blank(c)) && cells.iter().all(|c| blank(c)) {
            return Some(());
        }
        let kind = cells.first()?;
        let kind = if *kind == "line" { kind } else { kind.trim() };
        if kind.eq_ignore_ascii_case("line") {
            if cells.len() != width {
                return None;
            }
            self.line(record, plain, cells)
        } else if kind.eq_ignore_ascii_case("attribute") {
            if cells.len() != width
                || TEXT_COLUMNS.iter().any(|i| cell(cells, *i).starts_with('\''))
                || [PROGRAMME, CONTRIBUTOR, YEAR, FUNDING, AMOUNT, PRECISION]
                    .iter()
                    .any(|i| !cell(cells, *i).trim().is_empty())
            {
                return None;
            }
            let (id, kind) = (cell(cells, ID), cell(cells, KIND));
            if id.trim().is_empty() || kind.trim().is_empty() {
                return None;
            }
            self.attributes
                .push([id.to_string(), kind.trim().to_string(), cell(cells, NAME).to_string()]);
            Some(())
        } else {
            // What lines refer to must come before them.
            let declares = ["plan", "year", "contributor", "source", "group", "programme"];
            if self.head.is_some() && declares.iter().any(|d| kind.eq_ignore_ascii_case(d)) {
                return None;
            }
            match &mut self.deferred {
                Some(rows) => rows.push(cells.iter().map(|c| (*c).to_string()).collect()),
                None => self.reading.record(0, cells.to_vec()),
            }
            Some(())
        }
    }

    /// A `line` row: the line (new, or the one being read) and its amount.
    fn line(&mut self, record: &str, plain: bool, cells: &[&str]) -> Option<()> {
        // Rows of the line being read repeat its id, kind, name and
        // programme: for plain rows, one comparison of that stretch of text
        // with the line's first row, whose fields were checked then.
        let key = if plain { line_key(record, cells) } else { None };
        let continues = self.current.is_some() && key.is_some_and(|k| !self.line_key.is_empty() && k == self.line_key);
        let guarded = |columns: &[usize]| columns.iter().any(|i| cell(cells, *i).starts_with('\''));
        if continues {
            if guarded(&[CONTRIBUTOR, FUNDING]) {
                return None;
            }
        } else {
            // Guarded text (a leading `'`) is left to the careful reader.
            if !blank(cell(cells, KIND)) || guarded(&TEXT_COLUMNS) || blank(cell(cells, ID)) {
                return None;
            }
            if self.head.is_none() {
                self.head = Some(Head::of(self.reading.doc.declared())?);
            }
        }
        let head = self.head.as_ref()?;
        let (id, name, programme) = (cell(cells, ID), cell(cells, NAME), cell(cells, PROGRAMME));
        let same_line = continues
            || (self.current.is_some()
                && match self.lines.last() {
                    Some((last_id, last_name)) if last_id == id => {
                        if last_name != name || self.programme != programme {
                            return None;
                        }
                        true
                    }
                    _ => false,
                });
        let p = match (same_line, self.current) {
            (true, Some(p)) => p,
            _ => {
                // A second run of rows of a line already read repeats its
                // id: the plan builder refuses it, and the careful reader
                // then reads the file.
                let p = head.programme(programme)?;
                self.lines.push_line(id, name, p, LineAttributes::default()).ok()?;
                self.programme.clear();
                self.programme.push_str(programme);
                self.line_key.clear();
                self.line_key.push_str(key.unwrap_or(""));
                self.row_prefix.clear();
                if let Some(prefix) = plain.then(|| row_prefix(record, cells)).flatten() {
                    self.row_prefix.push_str(prefix);
                }
                self.current = Some(p);
                p
            }
        };
        let (c, y, f, a, pr) = (
            cell(cells, CONTRIBUTOR),
            cell(cells, YEAR),
            cell(cells, FUNDING),
            cell(cells, AMOUNT),
            cell(cells, PRECISION).trim(),
        );
        if blank(a) {
            if [c, y, f, pr].iter().all(|v| blank(v)) {
                return Some(());
            }
            // A blank amount is an exact zero, and has no precision.
            if !pr.is_empty() && !pr.eq_ignore_ascii_case("exact") {
                return None;
            }
            let cell = head.cell(p, c, y, f, None)?;
            return self.lines.push_amount(cell, Money::ZERO).ok();
        }
        // The cell: remembered by the row's text from programme to funding
        // when the row is plain and has no precision of its own.
        let span = if plain && pr.is_empty() {
            span(record, cells)
        } else {
            None
        };
        let c = match span.and_then(|s| self.cells.get(s).copied()) {
            Some(c) => c,
            None => {
                let precision = if pr.is_empty() {
                    head.precision
                } else if pr.eq_ignore_ascii_case("exact") {
                    None
                } else {
                    Some(pr.parse::<Precision>().ok()?)
                };
                let ix = self.lines.intern(head.cell(p, c, y, f, precision)?).ok()?;
                if let Some(s) = span.filter(|_| self.cells.len() < REMEMBERED_CELLS) {
                    self.cells.insert(s.into(), ix);
                    let tail = tail_span(record, cells);
                    if let (Some(tail), Ok(p)) = (tail, usize::try_from(p.pos())) {
                        if self.next_row_cells.len() <= p {
                            self.next_row_cells.resize_with(p.saturating_add(1), HashMap::default);
                        }
                        if let Some(m) = self.next_row_cells.get_mut(p) {
                            m.insert(tail.into(), ix);
                        }
                    }
                }
                ix
            }
        };
        match plain_amount(a) {
            Some((units, scale)) => self.lines.push_units(c, units, scale).ok(),
            None => {
                let amount = Money::parse(a, Unit::Pounds).ok()?;
                if amount.is_negative() {
                    return None;
                }
                self.lines.push_interned(c, amount).ok()
            }
        }
    }

    /// The plan, once every piece is read; `None` if the fast path declines.
    pub(crate) fn finish(mut self) -> Option<Plan> {
        self.width?;
        self.reading.settle();
        if !self.reading.errors.is_empty() {
            return None;
        }
        let Fast {
            reading,
            mut lines,
            attributes,
            ..
        } = self;
        if !attributes.is_empty() {
            // Attributes apply in file order, after every line is known:
            // grouped by line (a stable sort keeps each line's rows in file
            // order), each line's set built and handed to the table, which
            // keeps each distinct set once.
            let mut line_ix: HashMap<&str, usize> = HashMap::default();
            for i in 0..lines.len() {
                if line_ix.insert(lines.id(i), i).is_some() {
                    return None; // a repeated id: the careful reader reports it
                }
            }
            let mut by_line: Vec<(usize, &[String; 3])> = Vec::with_capacity(attributes.len());
            for row in &attributes {
                by_line.push((*line_ix.get(row[0].as_str())?, row));
            }
            drop(line_ix);
            by_line.sort_by_key(|(li, _)| *li);
            let mut sets: Vec<(usize, LineAttributes)> = Vec::new();
            let mut rows = by_line.iter().peekable();
            while let Some((li, [_, kind, value])) = rows.next() {
                let mut a = LineAttributes::default();
                set_attribute(&mut a, kind, value).ok()?;
                while let Some((_, [_, kind, value])) = rows.next_if(|(next, _)| next == li) {
                    set_attribute(&mut a, kind, value).ok()?;
                }
                sets.push((*li, a));
            }
            for (li, a) in sets {
                lines.set_attributes(li, a).ok()?;
            }
        }
        reading.doc.into_builder().resolved_lines(lines).build().ok()
    }
}

/// Splits a record (no line break in it) into its fields, for the plain
/// CSV the fast path reads: fields separated by commas, each either
/// unquoted with no quote in it or wholly quoted with no quote inside.
/// `Some(true)` if no field was quoted; `None` for anything else (an
/// escaped quote, a quoted line break, a lone carriage return).
fn split<'t>(record: &'t str, out: &mut Vec<&'t str>) -> Option<bool> {
    out.clear();
    // One pass for the common record: commas only.
    let mut start = 0;
    let mut quoted = false;
    for (i, b) in record.bytes().enumerate() {
        match b {
            b',' => {
                out.push(record.get(start..i)?);
                start = i.checked_add(1)?;
            }
            b'"' => {
                quoted = true;
                break;
            }
            b'\r' => return None,
            _ => {}
        }
    }
    if !quoted {
        out.push(record.get(start..)?);
        return Some(true);
    }
    out.clear();
    if record.contains('\r') {
        return None;
    }
    let mut rest = record;
    loop {
        let (field, after) = if let Some(inner) = rest.strip_prefix('"') {
            let close = inner.find('"')?;
            (inner.get(..close)?, inner.get(close.checked_add(1)?..)?)
        } else {
            let end = rest.find(',').unwrap_or(rest.len());
            let field = rest.get(..end)?;
            if field.contains('"') {
                return None;
            }
            (field, rest.get(end..)?)
        };
        out.push(field);
        match after.strip_prefix(',') {
            Some(next) => rest = next,
            None if after.is_empty() => return Some(false),
            None => return None,
        }
    }
}

/// The text of an unquoted record from the start of its programme to the
/// end of its funding (the fields were split from `record` at commas).
fn span<'t>(record: &'t str, cells: &[&str]) -> Option<&'t str> {
    let len = |i: usize| cells.get(i).map(|c| c.len());
    let start = (0..PROGRAMME).try_fold(0usize, |n, i| n.checked_add(len(i)?)?.checked_add(1))?;
    let end = (PROGRAMME..=FUNDING).try_fold(start, |n, i| n.checked_add(len(i)?))?;
    record.get(start..end.checked_add(FUNDING - PROGRAMME)?)
}

/// What [`Fast::next_row`] did with a row.
enum NextRow {
    /// Read it.
    Read,
    /// Left it to be split and read as any row.
    Split,
    /// The plan cannot hold it: the fast path declines the file.
    Declined,
}

/// The text of an unquoted record up to its contributor (through the comma
/// after its programme).
fn row_prefix<'t>(record: &'t str, cells: &[&str]) -> Option<&'t str> {
    let end = (0..CONTRIBUTOR).try_fold(0usize, |n, i| n.checked_add(cells.get(i)?.len())?.checked_add(1))?;
    record.get(..end)
}

/// The text of an unquoted record from the start of its contributor to the
/// end of its funding.
fn tail_span<'t>(record: &'t str, cells: &[&str]) -> Option<&'t str> {
    let start = (0..CONTRIBUTOR).try_fold(0usize, |n, i| n.checked_add(cells.get(i)?.len())?.checked_add(1))?;
    let end = (CONTRIBUTOR..=FUNDING).try_fold(start, |n, i| n.checked_add(cells.get(i)?.len()))?;
    record.get(start..end.checked_add(FUNDING - CONTRIBUTOR)?)
}

/// The text of an unquoted record from the start of its id to the end of
/// its programme.
fn line_key<'t>(record: &'t str, cells: &[&str]) -> Option<&'t str> {
    let start = cells.first()?.len().checked_add(1)?;
    let end = (ID..=PROGRAMME).try_fold(start, |n, i| n.checked_add(cells.get(i)?.len()))?;
    record.get(start..end.checked_add(PROGRAMME - ID)?)
}

/// Whether a field is blank (empty or white space), quickly for the usual
/// field that starts with a letter or digit.
fn blank(s: &str) -> bool {
    match s.as_bytes().first() {
        None => true,
        Some(b) if b.is_ascii_alphanumeric() => false,
        Some(_) => s.trim().is_empty(),
    }
}

/// Cell `i` of a record (blank if the record is short).
fn cell<'t>(cells: &[&'t str], i: usize) -> &'t str {
    cells.get(i).copied().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::super::{fast, read_plan_tidy, read_plan_tidy_reference, write_plan_tidy};
    use super::*;

    fn records(text: &str) -> Option<Vec<Vec<&str>>> {
        let mut out = Vec::new();
        let mut cells = Vec::new();
        let text = text.strip_suffix('\n').unwrap_or(text);
        for record in text.split('\n') {
            split(record.strip_suffix('\r').unwrap_or(record), &mut cells)?;
            out.push(cells.clone());
        }
        Some(out)
    }

    #[test]
    fn the_scanner_reads_plain_csv_and_refuses_the_rest() {
        assert_eq!(
            records("a,b\r\n\"1,2\",\n\nx").unwrap(),
            vec![vec!["a", "b"], vec!["1,2", ""], vec![""], vec!["x"]]
        );
        assert_eq!(records("a,\"b\"\"c\"\n"), None);
        assert_eq!(records("a,b\"c\n"), None);
        assert_eq!(records("a,\"b\"c\n"), None);
        assert_eq!(records("a\rb\n"), None);
        assert_eq!(records("a,\"unclosed\n"), None);
    }

    /// The plan read from `text` a piece of `piece` bytes at a time.
    fn streamed(text: &str, piece: usize) -> Option<Plan> {
        match read_pieces(text.as_bytes(), 0, u64::MAX, piece).unwrap() {
            Streamed::Plan(p) => Some(*p),
            Streamed::Declined | Streamed::TooBig => None,
        }
    }

    #[test]
    fn a_file_read_in_pieces_of_any_size_is_the_plan_read_whole() {
        let plan = crate::data::leicestershire::expenditure_plan().unwrap().plan;
        let text = write_plan_tidy(&plan);
        let crlf = format!("\u{feff}{}", text.replace('\n', "\r\n"));
        for piece in [1, 2, 7, 64, 1000, 1 << 20] {
            assert_eq!(streamed(&text, piece).as_ref(), Some(&plan), "piece {piece}");
            assert_eq!(streamed(&crlf, piece).as_ref(), Some(&plan), "CRLF, piece {piece}");
        }
        // Without its last line break, and with quoted fields.
        let quoted = text.replace(",2017/18,", ",\"2017/18\",");
        assert_eq!(streamed(text.trim_end(), 5).as_ref(), Some(&plan));
        assert_eq!(streamed(&quoted, 33).as_ref(), Some(&plan));
        // Declined: an error, bytes that are not UTF-8, an escaped quote.
        let bad = text.replacen(",2017/18,", ",2031/32,", 1);
        assert!(streamed(&bad, 64).is_none());
        let mut bytes = text.clone().into_bytes();
        bytes.extend_from_slice(b"line,x,\xff,,BCF1,,,,\n");
        assert!(matches!(
            read_pieces(&bytes[..], 0, u64::MAX, 64).unwrap(),
            Streamed::Declined
        ));
        assert!(matches!(
            read_pieces(text.as_bytes(), 0, 100, 64).unwrap(),
            Streamed::TooBig
        ));
        // A guarded contributor on a line's second row is left to the
        // careful reader, as on its first.
        let rows: Vec<&str> = text.lines().filter(|r| r.starts_with("line,")).collect();
        let second = rows
            .windows(2)
            .find(|w| w[0].split(',').nth(1) == w[1].split(',').nth(1))
            .map(|w| w[1])
            .unwrap();
        let contributor = second.split(',').nth(5).unwrap();
        let guarded = text.replacen(
            second,
            &second.replacen(&format!(",{contributor},"), &format!(",'{contributor},"), 1),
            1,
        );
        assert_ne!(guarded, text);
        assert!(fast::read(&guarded).is_none());
        // A line's next row renaming it, wherever the pieces are cut.
        let first = text.lines().find(|r| r.starts_with("line,")).unwrap();
        let renamed_row = first.replacen(",", ",X", 2).replacen(",X", ",", 1);
        let renamed = text.replacen(first, &format!("{first}\n{renamed_row}"), 1);
        assert!(fast::read(&renamed).is_none());
        for piece in [1, 50, 200] {
            assert!(streamed(&renamed, piece).is_none(), "piece {piece}");
        }
    }

    #[cfg(feature = "proptest")]
    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]

        /// Pieces of any size, parsed on every core and joined in order,
        /// give the plan the reference reader gives, and decline exactly
        /// when reading the whole text declines.
        #[test]
        fn pieces_of_any_size_read_what_the_reference_reads(
            plan in crate::strategies::balanced_plan(crate::strategies::PlanShape::default()),
            piece in 1usize..3000,
        ) {
            let text = write_plan_tidy(&plan);
            let reference = super::super::read_reference("p.csv", &text).unwrap();
            let whole = fast::read(&text);
            let pieces = streamed(&text, piece);
            proptest::prop_assert_eq!(whole.is_some(), pieces.is_some());
            if let Some(p) = pieces {
                proptest::prop_assert_eq!(p, reference);
            }
        }
    }

    #[test]
    fn a_line_s_next_rows_read_by_their_remembered_text_agree_with_the_reference() {
        let head = "record,id,name,kind,programme,contributor,year,funding,amount\n\
                    plan,,p,,,,,,\nyear,,,,,,2017/18,,\nyear,,,,,,2018/19,,\n\
                    contributor,a,A,Ccg,,,,,\ncontributor,b,B,Ccg,,,,,\n\
                    source,s,S,NhsMinimum,,,,,\nprogramme,P1,one,,,,,,\nprogramme,P2,two,,,,,,\n";
        let lines = "line,L1,x,,P1,a,2017/18,s,10.5\nline,L1,x,,P1,b,2017/18,s,2\n\
                     line,L2,y,,P2,a,2017/18,s,1\nline,L2,y,,P2,b,2017/18,s,3.25\n\
                     line,L2,y,,P2,a,2018/19,s,4\n";
        let good = format!("{head}{lines}");
        let reference = super::super::read_reference("p.csv", &good).unwrap();
        assert_eq!(fast::read(&good), Some(reference.clone()));
        for piece in [1, 40, 100] {
            assert_eq!(streamed(&good, piece).as_ref(), Some(&reference));
        }
        // Next rows the remembered text must not be taken for: an extra
        // field, a repeated cell, a signed or blank amount, a quoted field.
        for bad_row in [
            "line,L2,y,,P2,a,2017/18,s,1,5\n",
            "line,L2,y,,P2,a,2017/18,s,7\n",
            "line,L2,y,,P2,b,2017/18,s,-1\n",
            "line,L2,y,,P2,b,2018/19,s,(1)\n",
            "line,L2,y,,P2,b,2018/19,\"s\",1\n",
            "line,L2,y,,P2,b,2018/19,s,\n",
        ] {
            let text = format!("{good}{bad_row}");
            let fast = fast::read(&text);
            let reference = super::super::read_reference("p.csv", &text);
            if let Some(plan) = fast {
                assert_eq!(Ok(plan), reference, "{bad_row}");
            }
        }
        assert!(fast::read(&format!("{good}line,L2,y,,P2,a,2017/18,s,7\n")).is_none());
        assert!(fast::read(&format!("{good}line,L2,y,,P2,a,2017/18,s,1,5\n")).is_none());
    }

    #[test]
    fn every_bad_input_file_in_pieces_is_declined_or_read_as_the_reference_reads_it() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_input");
        let mut read = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().and_then(|e| e.to_str()) != Some("csv") {
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            for piece in [1, 9, 64, 1 << 20] {
                match read_pieces(&bytes[..], 0, u64::MAX, piece).unwrap() {
                    Streamed::Plan(plan) => {
                        let text = std::str::from_utf8(&bytes).unwrap();
                        let reference = super::super::read_reference("p.csv", text);
                        assert_eq!(Ok(*plan), reference, "{}", path.display());
                    }
                    Streamed::Declined => {}
                    Streamed::TooBig => panic!("no limit was set"),
                }
            }
            read += 1;
        }
        assert!(read > 20, "{read} files");
    }

    #[test]
    fn the_fast_path_reads_written_plans_and_leaves_the_rest_to_the_reference() {
        let plan = crate::data::leicestershire::expenditure_plan().unwrap().plan;
        let text = write_plan_tidy(&plan);
        assert_eq!(fast::read(&text), Some(plan.clone()));

        // Rows of one line apart: the fast path declines, the reference reads it.
        let mut rows: Vec<&str> = text.lines().collect();
        let first_line_row = rows.iter().position(|r| r.starts_with("line,")).unwrap();
        let moved = rows.remove(first_line_row);
        let last_line_row = rows.iter().rposition(|r| r.starts_with("line,")).unwrap();
        rows.insert(last_line_row + 1, moved);
        let shuffled = rows.join("\n") + "\n";
        assert_eq!(fast::read(&shuffled), None);
        let reread = read_plan_tidy("p.csv", &shuffled).unwrap();
        assert_eq!(reread, read_plan_tidy_reference("p.csv", &shuffled).unwrap());
        assert_eq!(reread.lines().len(), plan.lines().len());

        // An escaped quote in a name: declined, read by the reference.
        let row = text.lines().find(|r| r.starts_with("programme,BCF1,")).unwrap();
        let quoted = text.replacen(row, "programme,BCF1,\"The \"\"One\"\"\",,,,,,,", 1);
        assert_eq!(fast::read(&quoted), None);
        let reread = read_plan_tidy("p.csv", &quoted).unwrap();
        assert_eq!(reread.programmes().first().unwrap().name, "The \"One\"");

        // An error: declined, and the reference names the row.
        let bad = text.replacen(",2017/18,", ",2031/32,", 1);
        assert_eq!(fast::read(&bad), None);
        assert!(read_plan_tidy("p.csv", &bad).is_err());
    }
}
