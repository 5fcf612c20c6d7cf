// rust_std_sites: allocations that the standard library makes for the
// program (a HashMap's growth, formatting a number, to_string, collect),
// for tests/symbolize/rust.sh: each site must be the program's own function,
// the library call beside it, also when the binary has no debug info.
use std::collections::HashMap;

#[inline(never)]
fn fill_map(n: usize) -> HashMap<usize, usize> {
    let mut m = HashMap::new();
    for i in 0..n {
        m.insert(i, i * 2);
    }
    m
}

#[inline(never)]
fn format_numbers(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{}", i * 7919)).collect()
}

#[inline(never)]
fn words(n: usize) -> Vec<String> {
    (0..n).map(|i| if i % 2 == 0 { "even".to_string() } else { "odd".to_string() }).collect()
}

fn main() {
    let m = fill_map(5000);
    let f = format_numbers(300);
    let w = words(200);
    println!("{} {} {}", m.len(), f.len(), w.len());
}
