package auth

import "container/list"

// lru is a string-keyed map bounded to max entries that evicts the least
// recently used entry when full. It is not safe for concurrent use; its
// owner holds a lock.
type lru[V any] struct {
	max int
	ll  *list.List // front = most recently used; values are *lruEntry[V]
	m   map[string]*list.Element
}

type lruEntry[V any] struct {
	key string
	val V
}

func newLRU[V any](max int) *lru[V] {
	if max < 1 {
		max = 1
	}
	return &lru[V]{max: max, ll: list.New(), m: make(map[string]*list.Element)}
}

// get returns a pointer to key's value, marking it most recently used.
func (c *lru[V]) get(key string) (*V, bool) {
	el, ok := c.m[key]
	if !ok {
		return nil, false
	}
	c.ll.MoveToFront(el)
	return &el.Value.(*lruEntry[V]).val, true
}

// peek returns a pointer to key's value without changing its recency.
func (c *lru[V]) peek(key string) (*V, bool) {
	el, ok := c.m[key]
	if !ok {
		return nil, false
	}
	return &el.Value.(*lruEntry[V]).val, true
}

// add inserts key (which must be absent) with v as most recently used,
// evicting the least recently used entry first if the map is full.
func (c *lru[V]) add(key string, v V) *V {
	if c.ll.Len() >= c.max {
		if el := c.ll.Back(); el != nil {
			c.ll.Remove(el)
			delete(c.m, el.Value.(*lruEntry[V]).key)
		}
	}
	e := &lruEntry[V]{key: key, val: v}
	c.m[key] = c.ll.PushFront(e)
	return &e.val
}

// remove deletes key if present.
func (c *lru[V]) remove(key string) {
	if el, ok := c.m[key]; ok {
		c.ll.Remove(el)
		delete(c.m, key)
	}
}

// len is the number of entries.
func (c *lru[V]) len() int { return c.ll.Len() }
