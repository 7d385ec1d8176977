package store

import (
	"math/bits"
	"slices"
)

// A day's blocks, from a few bytes (a series that did not change) to
// several KB, are appended to the block table, where each leaf page
// takes rows until the next one does not fit; what is left of the page
// stays empty for good. Written in series order, that left a fifth of
// every leaf page empty. The new days' blocks of a transaction are
// instead queued and written best fit first: after each row, the
// largest queued one that fits in what its page has left, by SQLite's
// own measure of a row (https://sqlite.org/fileformat2.html). The page
// that the table's last row already fills is not known, so the first
// row of a transaction takes a page of its own in that reckoning; it
// lands on the last page if it fits there, and the rows after it still
// fill the pages they reach, nearly.
//
// Readers find blocks by their key, whatever the rowids: a day's blocks
// keep neighbouring rowids, and a query of one day still reads a run of
// pages.

// A dayBlock is a new day's block, queued for writing.
type dayBlock struct {
	series, t0, times int64
	base              any // int64, or nil
	div               int64
	delta             bool
	size              int64  // the text's length
	vals              []byte // the text as stored, the row's own copy
}

// queueBlock queues a new day's block for flushBlocks.
func (w *writer) queueBlock(series, t0, times int64, base any, e encoded, vals []byte) {
	w.queued = append(w.queued, dayBlock{series, t0, times, base, e.div, e.delta, int64(len(e.vals)), slices.Clone(vals)})
}

// flushBlocks writes the queued days' blocks, best fit first.
func (w *writer) flushBlocks() error {
	if len(w.queued) == 0 {
		return nil
	}
	var page, next int64
	if err := w.c.QueryRowContext(w.ctx, "SELECT page_size FROM pragma_page_size").Scan(&page); err != nil {
		return err
	}
	if err := w.c.QueryRowContext(w.ctx, "SELECT "+dayRowid).Scan(&next); err != nil {
		return err
	}
	// Rowids of the same length as the ones they get, or nearly.
	sizes := make([]int, len(w.queued))
	for i, b := range w.queued {
		sizes[i] = b.cellSize(next+int64(i), int(page))
	}
	for _, i := range fillOrder(sizes, int(page)-8) {
		b := w.queued[i]
		if err := w.exec("INSERT INTO block (rowid, series_id, t0, times_id, base, div, delta, size, vals) VALUES ("+dayRowid+", ?, ?, ?, ?, ?, ?, ?, ?)",
			b.series, b.t0, b.times, b.base, b.div, b.delta, b.size, b.vals); err != nil {
			return err
		}
	}
	w.queued = w.queued[:0]
	return nil
}

// fillOrder is the order flushBlocks writes in; tests compare it with
// the order of arrival.
var fillOrder = bestFit

// bestFit orders items of the given sizes to fill pages of room bytes
// as appending fills them: each next item is the largest that fits in
// what the page has left, or, when none does, the largest, on a new
// page.
func bestFit(sizes []int, room int) []int {
	// Items by size, and a bit set of the sizes some item has left.
	by := make([][]int, room+1)
	has := make([]uint64, room/64+1)
	for i := len(sizes) - 1; i >= 0; i-- {
		s := min(max(sizes[i], 0), room)
		by[s] = append(by[s], i)
		has[s/64] |= 1 << (s % 64)
	}
	// largest returns the largest size at most n that an item has, or -1.
	largest := func(n int) int {
		for w := n / 64; w >= 0; w-- {
			m := has[w]
			if w == n/64 {
				m &= 1<<(n%64+1) - 1
			}
			if m != 0 {
				return w*64 + 63 - bits.LeadingZeros64(m)
			}
		}
		return -1
	}
	order := make([]int, 0, len(sizes))
	left := 0
	for len(order) < len(sizes) {
		s := largest(left)
		if s < 0 {
			s = largest(room)
			left = room
		}
		left -= s
		last := len(by[s]) - 1
		order = append(order, by[s][last])
		by[s] = by[s][:last]
		if last == 0 {
			has[s/64] &^= 1 << (s % 64)
		}
	}
	return order
}

// cellSize is the bytes the block's row takes on a table leaf page of
// the given size, its cell pointer included: the record's header and
// body, its length and rowid as varints, and of a row too long for the
// page, the part kept on it and the first overflow page's number.
func (b *dayBlock) cellSize(rowid int64, page int) int {
	head, body := 0, 0
	for _, v := range []any{b.series, b.t0, b.times, b.base, b.div, b.delta, b.size, b.vals} {
		t, n := serialType(v)
		head += varintLen(t)
		body += n
	}
	head += varintLen(int64(head + 1))
	payload := head + body
	local, over := payload, 0
	if maxLocal := page - 35; payload > maxLocal {
		minLocal := (page-12)*32/255 - 23
		local = minLocal + (payload-minLocal)%(page-4)
		if local > maxLocal {
			local = minLocal
		}
		over = 4
	}
	return 2 + varintLen(int64(payload)) + varintLen(rowid) + local + over
}

// serialType gives a column value's serial type in SQLite's record
// format and the bytes of its body, for the types a block row has.
func serialType(v any) (t int64, n int) {
	switch v := v.(type) {
	case nil:
		return 0, 0
	case []byte:
		return int64(len(v))*2 + 12, len(v)
	case bool:
		if v {
			return 9, 0
		}
		return 8, 0
	case int64:
		switch {
		case v == 0:
			return 8, 0
		case v == 1:
			return 9, 0
		}
		u := v
		if u < 0 {
			u = ^u
		}
		for i, n := range []int{1, 2, 3, 4, 6} {
			if u < 1<<(8*n-1) {
				return int64(i + 1), n
			}
		}
		return 6, 8
	}
	return 0, 0
}

// varintLen is the length of SQLite's varint for v.
func varintLen(v int64) int {
	u := uint64(v)
	if u >= 1<<56 {
		return 9
	}
	n := 1
	for u >= 0x80 {
		u >>= 7
		n++
	}
	return n
}
