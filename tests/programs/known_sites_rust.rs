// known_sites_rust: Rust allocation sites at known lines, with known counts,
// for tests/symbolize/rust.sh. Line numbers are part of the test.
use std::ptr::read_volatile;

mod shapes {
    pub trait Grow {
        fn grow(&self, n: usize) -> Vec<u64>;
    }
    pub struct Square;
    impl Grow for Square {
        #[inline(never)]
        fn grow(&self, n: usize) -> Vec<u64> {
            Vec::with_capacity(n)
        }
    }
}

#[inline(never)]
fn r_strings(n: usize) -> String {
    String::with_capacity(n)
}

#[inline(never)]
fn r_boxes() -> Box<[u8; 48]> {
    Box::new([7u8; 48])
}

#[inline(never)]
fn r_push(n: u32) -> Vec<u32> {
    let mut v = Vec::new();
    for i in 0..n {
        v.push(opaque(i));
    }
    v
}

fn main() {
    use shapes::Grow;
    for i in 0..100 {
        opaque(r_strings(opaque(100 + i)));
    }
    for _ in 0..10 {
        opaque(r_boxes());
    }
    for _ in 0..7 {
        opaque(shapes::Square.grow(opaque(8)));
    }
    for _ in 0..3 {
        opaque(r_push(opaque(20)));
    }
}

// what std::hint::black_box does, which Rust before 1.66 (Debian 12 has
// 1.63) lacks: the optimizer may not drop the allocations
#[inline(never)]
fn opaque<T>(x: T) -> T {
    let y = unsafe { read_volatile(&x) };
    std::mem::forget(x);
    y
}
