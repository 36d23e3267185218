// enums.rs: Rust enums as rustc lays them out: tagged with data, and niche layouts where the
// discriminant lives in another field's spare values (DWARF fixture; no_std like inventory.rs).
#![no_std]
#![no_main]
use core::num::NonZeroU32;

pub enum Shape {
    Circle { radius: u32 },
    Square(u32),
    Nothing,
}

pub enum Light {
    Red,
    Amber,
    Green,
}

// Two dataless variants beside a bool: both live in the bool's spare values (2 and 3).
pub enum Switch {
    Set(bool),
    Unset,
    Broken,
}

pub enum Reading {
    Missing,
    Celsius(i16),
    Pair(u8, u8),
}

fn inspect(value: &i32) -> i32 {
    let some_ref: Option<&i32> = Some(value);
    let no_ref: Option<&i32> = None;
    let some_count: Option<NonZeroU32> = NonZeroU32::new(7);
    let no_count: Option<NonZeroU32> = NonZeroU32::new(0);
    let some_flag: Option<bool> = Some(true);
    let no_flag: Option<bool> = None;
    let some_number: Option<u32> = Some(5);
    let no_number: Option<u32> = None;
    let circle = Shape::Circle { radius: 2 };
    let square = Shape::Square(4);
    let nothing = Shape::Nothing;
    let light = Light::Amber;
    let reading = Reading::Celsius(-3);
    let pair = Reading::Pair(1, 2);
    let missing = Reading::Missing;
    let nested: Option<Option<bool>> = Some(None);
    let result: Result<u32, i8> = Err(-1);
    let set = Switch::Set(false);
    let broken = Switch::Broken;
    let total = score(&some_ref) + score(&no_ref) + some_count.map_or(0, |c| c.get() as i32)
        + no_count.is_some() as i32 + some_flag.is_some() as i32 + no_flag.is_some() as i32
        + some_number.unwrap_or(0) as i32 + no_number.unwrap_or(0) as i32
        + shape_size(&circle) + shape_size(&square) + shape_size(&nothing)
        + light as i32 + reading_value(&reading) + reading_value(&pair) + reading_value(&missing)
        + nested.is_some() as i32 + result.is_ok() as i32 + switch_value(&set) + switch_value(&broken)
        + pick(value).map_or(0, |v| *v) + count_of(3).map_or(0, |c| c.get() as i32);
    total
}

fn score(value: &Option<&i32>) -> i32 {
    match value {
        Some(v) => **v,
        None => 0,
    }
}

fn shape_size(shape: &Shape) -> i32 {
    match shape {
        Shape::Circle { radius } => *radius as i32,
        Shape::Square(side) => *side as i32,
        Shape::Nothing => 0,
    }
}

fn switch_value(switch: &Switch) -> i32 {
    match switch {
        Switch::Set(on) => *on as i32,
        Switch::Unset => 2,
        Switch::Broken => 3,
    }
}

fn reading_value(reading: &Reading) -> i32 {
    match reading {
        Reading::Missing => 0,
        Reading::Celsius(c) => *c as i32,
        Reading::Pair(a, b) => *a as i32 + *b as i32,
    }
}

#[no_mangle]
pub extern "C" fn _start() {
    let value = 42;
    let code = inspect(&value);
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

// Returned as one scalar (the pointer, null for None; the number, 0 for None): `finish` shows
// them as the enum.
fn pick(value: &i32) -> Option<&i32> {
    if *value > 0 { Some(value) } else { None }
}

fn count_of(n: u32) -> Option<NonZeroU32> {
    NonZeroU32::new(n)
}
