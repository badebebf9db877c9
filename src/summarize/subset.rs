//! Choosing a summary as a whole: of all sets of sentences within the limits, the one with the best
//! predicted ROUGE-1 F1.
//!
//! Each sentence's score predicts the share of the reference it covers (its ROUGE-1 recall), so a
//! set covering `O = Σ score` of a reference of `R` words with `S` words of its own has F1
//! `2·O·R / (S + R)`; shared content is counted once by subtracting `redundancy × Σ cos` over the
//! pairs of chosen sentences. Ranking sentences one by one and filling a word target prefers long
//! sentences (recall grows with length); a whole set trades coverage against length. The sets
//! searched are those of the first [`POOL`] candidates (a few thousand at four sentences, well under
//! a millisecond).

use crate::numeric::vector::dot;

/// Candidates searched: the first this many summary-worthy sentences of the article.
pub const POOL: usize = 15;

/// What the search may choose and how it values a set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SetSearch {
    /// Most sentences in the set (the given ones included).
    pub max_sentences: usize,
    /// Most words in the set; a set of one sentence may exceed it.
    pub max_words: usize,
    /// Reference length in words that the predicted F1 assumes.
    pub reference_words: f32,
    /// Weight of the redundancy penalty (summed cosine between chosen sentences).
    pub redundancy: f32,
}

/// One candidate sentence: its words, predicted recall and unit vector (empty without an encoder).
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    /// Words in the sentence.
    pub words: usize,
    /// Predicted ROUGE-1 recall against a reference (negative scores count as zero).
    pub score: f32,
    /// The sentence's unit vector.
    pub vector: &'a [f32],
}

/// Indices (into `candidates`) of the best set that contains `given`, adding only from the first
/// [`POOL`] candidates; `given` alone when nothing is worth adding or nothing fits.
pub fn best_set(candidates: &[Candidate<'_>], given: &[usize], search: &SetSearch) -> Vec<usize> {
    let cos = |i: usize, j: usize| {
        let (a, b) = (candidates[i].vector, candidates[j].vector);
        if a.is_empty() || a.len() != b.len() {
            0.0
        } else {
            dot(a, b).max(0.0)
        }
    };
    let mut set = given.to_vec();
    let mut state = State {
        words: given.iter().map(|&i| candidates[i].words).sum(),
        coverage: given.iter().map(|&i| candidates[i].score.max(0.0)).sum(),
        overlap: 0.0,
    };
    for (k, &i) in given.iter().enumerate() {
        state.overlap += given[..k].iter().map(|&j| cos(i, j)).sum::<f32>();
    }
    let pool: Vec<usize> = (0..candidates.len().min(POOL)).filter(|i| !given.contains(i)).collect();
    let mut search_state = Search { candidates, search, cos: &cos, pool: &pool, best: (f32::MIN, set.clone()) };
    if !given.is_empty() {
        search_state.best = (search_state.value(&state), set.clone());
    }
    search_state.extend(&mut set, state, 0);
    let mut best = search_state.best.1;
    best.sort_unstable();
    best
}

/// Running totals of a set.
#[derive(Debug, Clone, Copy)]
struct State {
    words: usize,
    coverage: f32,
    overlap: f32,
}

struct Search<'a, 'c> {
    candidates: &'a [Candidate<'c>],
    search: &'a SetSearch,
    cos: &'a dyn Fn(usize, usize) -> f32,
    pool: &'a [usize],
    best: (f32, Vec<usize>),
}

impl Search<'_, '_> {
    /// Predicted F1 (up to the factor 2) less the redundancy penalty.
    fn value(&self, s: &State) -> f32 {
        let r = self.search.reference_words;
        s.coverage * r / (s.words as f32 + r) - self.search.redundancy * s.overlap
    }

    /// Tries every extension of `set` by pool members from position `from` on.
    fn extend(&mut self, set: &mut Vec<usize>, state: State, from: usize) {
        if set.len() >= self.search.max_sentences {
            return;
        }
        for p in from..self.pool.len() {
            let i = self.pool[p];
            let c = self.candidates[i];
            if !set.is_empty() && state.words + c.words > self.search.max_words {
                continue;
            }
            let next = State {
                words: state.words + c.words,
                coverage: state.coverage + c.score.max(0.0),
                overlap: state.overlap + set.iter().map(|&j| (self.cos)(i, j)).sum::<f32>(),
            };
            set.push(i);
            let value = self.value(&next);
            if value > self.best.0 {
                self.best = (value, set.clone());
            }
            self.extend(set, next, p + 1);
            set.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn search(max_sentences: usize, max_words: usize) -> SetSearch {
        SetSearch { max_sentences, max_words, reference_words: 60.0, redundancy: 0.0 }
    }

    fn plain(words_scores: &[(usize, f32)]) -> Vec<Candidate<'static>> {
        words_scores.iter().map(|&(words, score)| Candidate { words, score, vector: &[] }).collect()
    }

    #[test]
    fn trades_coverage_against_length() {
        // A long sentence covering a little more loses to two short ones covering nearly as much each.
        let c = plain(&[(60, 0.30), (20, 0.21), (20, 0.18), (30, 0.01)]);
        assert_eq!(best_set(&c, &[], &search(2, 100)), vec![1, 2]);
        assert_eq!(best_set(&c, &[], &search(3, 100)), vec![0, 1, 2]);
        assert_eq!(best_set(&c, &[], &search(1, 100)), vec![1]);
        // A lone sentence may exceed the word ceiling; two may not.
        assert_eq!(best_set(&plain(&[(90, 0.5), (30, 0.1)]), &[], &search(2, 50)), vec![0]);
    }

    #[test]
    fn given_sentences_stay_and_count() {
        let c = plain(&[(20, 0.30), (20, 0.25), (20, 0.0)]);
        assert_eq!(best_set(&c, &[2], &search(2, 100)), vec![0, 2]);
        assert_eq!(best_set(&c, &[2, 1], &search(2, 100)), vec![1, 2], "the limit is reached by the given ones");
    }

    #[test]
    fn redundant_sentences_are_not_both_chosen() {
        let (a, b, o) = ([1.0, 0.0], [0.995, 0.0999], [0.0, 1.0]);
        let c = [
            Candidate { words: 20, score: 0.30, vector: &a },
            Candidate { words: 20, score: 0.29, vector: &b },
            Candidate { words: 20, score: 0.20, vector: &o },
        ];
        let penalised = SetSearch { redundancy: 0.1, ..search(2, 100) };
        assert_eq!(best_set(&c, &[], &search(2, 100)), vec![0, 1]);
        assert_eq!(best_set(&c, &[], &penalised), vec![0, 2]);
    }

    #[test]
    fn only_the_first_pool_candidates_are_searched() {
        let mut ws: Vec<(usize, f32)> = vec![(20, 0.1); POOL];
        ws.push((20, 0.9));
        assert!(!best_set(&plain(&ws), &[], &search(3, 100)).contains(&POOL));
        assert_eq!(best_set(&[], &[], &search(3, 100)), Vec::<usize>::new());
    }
}
