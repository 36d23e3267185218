// inventory.rs: a struct, an enum with data, a slice, a &str and panic::find (DWARF fixture).
// no_std, so that only this crate's debug information is linked (with std the module carries
// std's DWARF too: 6.9 MB); `_start` makes it a WASI command all the same.
#![no_std]
#![no_main]
mod panic {
    pub fn find(haystack: &[i32], needle: i32) -> Option<usize> {
        for (index, value) in haystack.iter().enumerate() {
            if *value == needle {
                return Some(index);
            }
        }
        None
    }
}

pub struct Item {
    pub name: &'static str,
    pub count: u32,
    pub price: f64,
}

pub enum Shape {
    Circle(f64),
    Rect { w: u32, h: u32 },
    Empty,
}

fn area(shape: &Shape) -> f64 {
    match shape {
        Shape::Circle(r) => 3.0 * r * r,
        Shape::Rect { w, h } => (*w * *h) as f64,
        Shape::Empty => 0.0,
    }
}

fn total_count(items: &[Item]) -> u32 {
    let mut total = 0;
    for item in items {
        total += item.count;
    }
    total
}

#[no_mangle]
pub extern "C" fn _start() {
    let items = [
        Item { name: "apple", count: 3, price: 0.5 },
        Item { name: "pear", count: 4, price: 0.75 },
    ];
    let numbers = [5, 8, 13, 21];
    let position = panic::find(&numbers, 13).unwrap_or(99);
    let shapes = [Shape::Circle(1.0), Shape::Rect { w: 2, h: 3 }, Shape::Empty];
    let mut sum = 0.0;
    for shape in &shapes {
        sum += area(shape);
    }
    let label: &str = items[0].name;
    let code = total_count(&items) as usize + position + sum as usize + label.len();
    unsafe { proc_exit((code & 0x7f) as i32) }
}

#[link(wasm_import_module = "wasi_snapshot_preview1")]
extern "C" {
    fn proc_exit(code: i32) -> !;
}

#[panic_handler]
fn on_panic(_: &core::panic::PanicInfo) -> ! {
    unsafe { proc_exit(101) }
}
