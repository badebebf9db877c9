//! Token windows for long texts and length-sorted batches: the plain-integer half of encoding.

/// Splits a text's content token ids (no special tokens) into windows of at most `max_tokens`
/// ids each once `[CLS]` and `[SEP]` are added, consecutive windows sharing `overlap` tokens.
/// An empty text gives one window, `[CLS] [SEP]`, as the reference implementation does.
pub fn split_windows(content: &[u32], max_tokens: usize, overlap: usize, cls: u32, sep: u32) -> Vec<Vec<u32>> {
    let span = max_tokens.saturating_sub(2).max(1);
    let stride = span.saturating_sub(overlap).max(1);
    let mut windows = Vec::new();
    let mut start = 0;
    loop {
        let end = (start + span).min(content.len());
        let mut ids = Vec::with_capacity(end - start + 2);
        ids.push(cls);
        ids.extend_from_slice(&content[start..end]);
        ids.push(sep);
        windows.push(ids);
        if end >= content.len() {
            return windows;
        }
        start += stride;
    }
}

/// Groups sequences into batches: longest first, each batch at most `max_batch` sequences and at
/// most `token_budget` padded tokens (batch size × its longest sequence), so padding waste stays
/// small and memory bounded. Returns indices into `lengths`.
pub fn plan_batches(lengths: &[usize], max_batch: usize, token_budget: usize) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..lengths.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(lengths[i]));
    let mut batches: Vec<Vec<usize>> = Vec::new();
    let mut current: Vec<usize> = Vec::new();
    for i in order {
        // Sorted longest first, so the first member of a batch sets its padded length.
        let padded = current.first().map_or(lengths[i], |&first| lengths[first]);
        if !current.is_empty() && (current.len() >= max_batch.max(1) || (current.len() + 1) * padded > token_budget) {
            batches.push(std::mem::take(&mut current));
        }
        current.push(i);
    }
    if !current.is_empty() {
        batches.push(current);
    }
    batches
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_one_window_with_special_tokens() {
        assert_eq!(split_windows(&[5, 6, 7], 256, 32, 1, 2), vec![vec![1, 5, 6, 7, 2]]);
        assert_eq!(split_windows(&[], 256, 32, 1, 2), vec![vec![1, 2]]);
    }

    #[test]
    fn long_text_windows_overlap_and_cover_everything() {
        let content: Vec<u32> = (100..120).collect();
        let windows = split_windows(&content, 10, 3, 1, 2);
        for w in &windows {
            assert!(w.len() <= 10);
            assert_eq!((w[0], *w.last().unwrap()), (1, 2));
        }
        assert_eq!(windows[0][1..9], content[0..8]);
        assert_eq!(windows[1][1..4], content[5..8], "3 tokens of overlap");
        assert_eq!(windows.last().unwrap()[windows.last().unwrap().len() - 2], 119);
        let exact: Vec<u32> = (0..8).collect();
        assert_eq!(split_windows(&exact, 10, 3, 1, 2).len(), 1, "exactly max_tokens fits one window");
    }

    #[test]
    fn batches_respect_size_and_token_budget_and_sort_by_length() {
        let lengths = [5, 100, 7, 100, 6, 50];
        let batches = plan_batches(&lengths, 2, 1000);
        assert_eq!(batches, vec![vec![1, 3], vec![5, 2], vec![4, 0]]);
        let budget = plan_batches(&lengths, 32, 250);
        for b in &budget {
            assert!(b.len() * lengths[b[0]] <= 250 || b.len() == 1);
        }
        let mut all: Vec<usize> = budget.concat();
        all.sort();
        assert_eq!(all, vec![0, 1, 2, 3, 4, 5]);
    }
}
