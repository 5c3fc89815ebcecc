package lists

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"dossier/internal/search"
)

// SavedSearch is a search a reader named and kept: the query, filters and date
// range of a search.Request (not its page, size or sort, which are how one
// looks at results, not which results), and what was seen when it was last
// opened, so the page can show what is new since.
type SavedSearch struct {
	ID         string              `json:"id"`
	Name       string              `json:"name"`
	Query      string              `json:"query"`
	Filters    map[string][]string `json:"filters,omitempty"`
	From       string              `json:"from,omitempty"`
	To         string              `json:"to,omitempty"`
	Created    time.Time           `json:"created"`
	LastOpened time.Time           `json:"last_opened"`
	// Seen holds the ids of the documents the search matched when last opened,
	// sorted. Ids are content hashes: a document whose file changed counts as
	// new, which is what a reader following a search wants to know.
	Seen []string `json:"seen,omitempty"`
}

// Request returns the search to run for s, on its first page.
func (s SavedSearch) Request() search.Request {
	f := make(map[string][]string, len(s.Filters))
	for k, v := range s.Filters {
		f[k] = slices.Clone(v)
	}
	return search.Request{Query: s.Query, Filters: f, From: s.From, To: s.To}
}

// SaveSearch keeps req under name. The store checks the name, the facet names
// and the sizes; whether the query and dates parse is the search's business, so
// the caller runs req once before saving it. seen holds the ids of the documents on
// screen when the search was saved: they are not new the next time it is opened.
func (s *Store) SaveSearch(name string, req search.Request, seen []string) (SavedSearch, error) {
	name, err := validName("saved search", name)
	if err != nil {
		return SavedSearch{}, err
	}
	ss := SavedSearch{Name: name, Query: strings.TrimSpace(req.Query), From: req.From, To: req.To}
	if ss.Query, err = validText("query", ss.Query, MaxQuery); err != nil {
		return SavedSearch{}, err
	}
	if ss.Filters, err = validFilters(req.Filters); err != nil {
		return SavedSearch{}, err
	}
	for _, d := range []string{req.From, req.To} {
		if len(d) > 32 {
			return SavedSearch{}, invalidf("date %.32q… is too long", d)
		}
	}
	if ss.Seen, err = idSet(seen); err != nil {
		return SavedSearch{}, err
	}
	ss.Created = s.stamp()
	ss.LastOpened = ss.Created
	err = s.db.Update(func(tx *bolt.Tx) error {
		return insertNew(tx.Bucket(bucketSearches), func(id string, seq uint64) searchRecord {
			ss.ID = id
			return searchRecord{ss, seq}
		})
	})
	if err != nil {
		return SavedSearch{}, fmt.Errorf("save search %q: %w", name, err)
	}
	return ss, nil
}

// GetSearch returns one saved search.
func (s *Store) GetSearch(id string) (SavedSearch, error) {
	var ss SavedSearch
	err := s.db.View(func(tx *bolt.Tx) error {
		rec, err := getSearch(tx, id)
		ss = rec.SavedSearch
		return err
	})
	return ss, err
}

// SavedSearches returns every saved search, oldest first.
func (s *Store) SavedSearches() ([]SavedSearch, error) {
	var out []SavedSearch
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		out, err = inCreationOrder(tx.Bucket(bucketSearches), decodeSearch,
			func(r searchRecord) uint64 { return r.Seq }, func(r searchRecord) SavedSearch { return r.SavedSearch })
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteSearch removes a saved search.
func (s *Store) DeleteSearch(id string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSearches)
		if b.Get([]byte(id)) == nil {
			return notFoundf("no saved search with id %.40q", id)
		}
		return b.Delete([]byte(id))
	})
}

// MarkOpened records that the saved search was just opened and matched the
// documents current. It returns the updated search and, in current's order,
// the ids that are new since it was last opened: both from one transaction, so
// two tabs opening the search at once each see a consistent answer.
func (s *Store) MarkOpened(id string, current []string) (SavedSearch, []string, error) {
	seen, err := idSet(current)
	if err != nil {
		return SavedSearch{}, nil, err
	}
	var rec searchRecord
	var fresh []string
	err = s.db.Update(func(tx *bolt.Tx) error {
		var err error
		if rec, err = getSearch(tx, id); err != nil {
			return err
		}
		fresh = NewSince(rec.Seen, current)
		rec.Seen, rec.LastOpened = seen, s.stamp()
		return putJSON(tx.Bucket(bucketSearches), id, rec)
	})
	if err != nil {
		return SavedSearch{}, nil, err
	}
	return rec.SavedSearch, fresh, nil
}

// NewSince returns the ids in current that are not in seen, in current's order,
// without repeats: what a saved search shows as new since it was last opened.
func NewSince(seen, current []string) []string {
	old := make(map[string]bool, len(seen))
	for _, id := range seen {
		old[id] = true
	}
	fresh := []string{}
	for _, id := range current {
		if !old[id] {
			fresh = append(fresh, id)
			old[id] = true
		}
	}
	return fresh
}

// searchRecord is a saved search as stored, with its creation sequence number
// (see listRecord).
type searchRecord struct {
	SavedSearch
	Seq uint64 `json:"seq"`
}

func getSearch(tx *bolt.Tx, id string) (searchRecord, error) {
	v := tx.Bucket(bucketSearches).Get([]byte(id))
	if v == nil {
		return searchRecord{}, notFoundf("no saved search with id %.40q", id)
	}
	return decodeSearch([]byte(id), v)
}

func decodeSearch(k, v []byte) (searchRecord, error) {
	var rec searchRecord
	if err := json.Unmarshal(v, &rec); err != nil {
		return searchRecord{}, fmt.Errorf("read saved search %q: %w", k, err)
	}
	return rec, nil
}

// validFilters keeps the filters of known facets, without empty or repeated
// values; an unknown facet is an error, since the search would refuse it too.
func validFilters(in map[string][]string) (map[string][]string, error) {
	if len(in) == 0 {
		return nil, nil
	}
	out := map[string][]string{}
	for _, k := range slices.Sorted(maps.Keys(in)) {
		if !slices.Contains(search.FacetNames, k) {
			return nil, invalidf("unknown filter %.40q; filters are %s", k, strings.Join(search.FacetNames, ", "))
		}
		var vs []string
		for _, v := range in[k] {
			if v = strings.TrimSpace(v); v == "" {
				continue
			}
			if len(v) > maxField {
				return nil, invalidf("filter %s value is longer than %d bytes", k, maxField)
			}
			vs = appendNew(vs, v)
		}
		if len(vs) > 0 {
			out[k] = vs
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

// idSet returns ids sorted without repeats, refusing more than MaxSeen.
func idSet(ids []string) ([]string, error) {
	if len(ids) > MaxSeen {
		return nil, invalidf("%d document ids given; a saved search remembers at most %d", len(ids), MaxSeen)
	}
	out := slices.Clone(ids)
	slices.Sort(out)
	out = slices.Compact(out)
	if len(out) > 0 && out[0] == "" {
		out = out[1:]
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}
