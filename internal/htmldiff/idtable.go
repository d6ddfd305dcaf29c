package htmldiff

import "hash/maphash"

// idTable counts ids in two lists (old and new) with an open-addressing
// table over reusable slices: the differ calls it on every keyed child list
// and a Go map would allocate each time.
type idTable struct {
	seed    maphash.Seed
	slots   []int32 // entry index + 1; 0 is empty
	entries []idEntry
}

type idEntry struct {
	id               string
	nOld, nNew       int32 // occurrences in each list
	lastOld, lastNew int32 // index of the last occurrence in each list
}

// reset empties the table and sizes it for n ids.
func (t *idTable) reset(n int) {
	size := 8
	for size < 2*n {
		size <<= 1
	}
	if cap(t.slots) < size {
		t.slots = make([]int32, size)
	} else {
		t.slots = t.slots[:size]
		clear(t.slots)
	}
	clear(t.entries)
	t.entries = t.entries[:0]
}

// entry returns the entry for id, adding it when missing. The table must
// have been reset for at least as many distinct ids as are added.
func (t *idTable) entry(id string) *idEntry {
	mask := uint64(len(t.slots) - 1)
	for h := maphash.String(t.seed, id) & mask; ; h = (h + 1) & mask {
		s := t.slots[h]
		if s == 0 {
			t.entries = append(t.entries, idEntry{id: id})
			t.slots[h] = int32(len(t.entries))
			return &t.entries[len(t.entries)-1]
		}
		if e := &t.entries[s-1]; e.id == id {
			return e
		}
	}
}

// lookup returns the entry for id, or nil.
func (t *idTable) lookup(id string) *idEntry {
	mask := uint64(len(t.slots) - 1)
	for h := maphash.String(t.seed, id) & mask; ; h = (h + 1) & mask {
		s := t.slots[h]
		if s == 0 {
			return nil
		}
		if e := &t.entries[s-1]; e.id == id {
			return e
		}
	}
}
