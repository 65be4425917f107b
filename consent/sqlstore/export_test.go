package sqlstore

// StateQuery returns the SQL of State, for the benchmarks' query plans.
func (s *Store) StateQuery() string { return s.q.state }
