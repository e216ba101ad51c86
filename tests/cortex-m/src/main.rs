//! sigv4-core on a Cortex-M4, under QEMU (`mps2-an386`, semihosting).
//!
//! Signs the AWS signing suite's `get-vanilla` in headers and presigned, checks both
//! signatures against the suite's own files, verifies the signed request (and refuses it
//! with a changed host), and reports for each operation the peak stack (stack painting)
//! and the instructions QEMU executed (SysTick under `-icount shift=0`: one instruction is
//! one virtual nanosecond, and SysTick counts the board's 25 MHz clock, so one tick is 40
//! instructions). Exits with success only when every check holds.
//!
//! Built and run by `scripts/cortex-m`.
#![no_std]
#![no_main]

#[cfg(not(feature = "baseline"))]
use core::fmt::Write as _;
use cortex_m::peripheral::{syst::SystClkSource, SYST};
use cortex_m_rt::entry;
use cortex_m_semihosting::{debug, hprintln};

#[cfg(not(feature = "baseline"))]
use sigv4_core::{Header, Payload, Request, Settings, SigningKey, SigningParams, Timestamp};

/// The suite's files, read at build time (`tests/vectors/aws-signing-test-suite`).
#[cfg(not(feature = "baseline"))]
const SUITE_HEADER_SIGNATURE: &str =
    include_str!("../../vectors/aws-signing-test-suite/v4/get-vanilla/header-signature.txt");
#[cfg(not(feature = "baseline"))]
const SUITE_QUERY_SIGNATURE: &str =
    include_str!("../../vectors/aws-signing-test-suite/v4/get-vanilla/query-signature.txt");

/// Stack painted below the caller before each measured call.
const PAINT: usize = 24 * 1024;
const PATTERN: u32 = 0xA5C3_5A3C;
/// Instructions per SysTick tick (`-icount shift=0`, 25 MHz system clock).
const INSNS_PER_TICK: u32 = 40;

#[entry]
fn main() -> ! {
    let code = match run() {
        Ok(()) => {
            hprintln!("cortex-m: all checks passed");
            debug::EXIT_SUCCESS
        }
        Err(what) => {
            hprintln!("cortex-m: FAILED: {}", what);
            debug::EXIT_FAILURE
        }
    };
    debug::exit(code);
    #[allow(
        clippy::empty_loop,
        reason = "semihosting exit does not return under QEMU"
    )]
    loop {}
}

/// What one measured call cost.
struct Cost {
    stack: usize,
    insns: u32,
}

/// Runs `f` once on a painted stack with SysTick counting, and returns its result and cost.
fn measure<T>(syst: &mut SYST, f: impl FnOnce() -> T) -> (T, Cost) {
    let top = cortex_m::register::msp::read() as usize;
    let bottom = paint(top);
    syst.set_reload(0x00FF_FFFF);
    syst.clear_current();
    syst.set_clock_source(SystClkSource::Core);
    syst.enable_counter();
    let start = SYST::get_current();
    let out = core::hint::black_box(call(f));
    let end = SYST::get_current();
    syst.disable_counter();
    let ticks = start.wrapping_sub(end) & 0x00FF_FFFF;
    let cost = Cost {
        stack: top - first_dirty(bottom, top),
        insns: ticks * INSNS_PER_TICK,
    };
    (out, cost)
}

/// Calls `f` in a frame of its own, allocated below the painted mark (inlined, `f`'s locals
/// would live in the caller's frame, above it, and go unmeasured). What `f` returns is
/// written to the caller's frame and not counted.
#[inline(never)]
fn call<T>(f: impl FnOnce() -> T) -> T {
    f()
}

/// Fills the stack from `top - PAINT` up to 32 bytes below this function's stack pointer
/// as first read (its prologue may push registers after that read) with `PATTERN`;
/// returns the lowest painted address. A measured call that uses no stack at all shows
/// as the few dozen bytes left unpainted (the baseline build prints that floor).
#[inline(never)]
fn paint(top: usize) -> usize {
    let bottom = top - PAINT;
    let end = cortex_m::register::msp::read() as usize - 32;
    let mut addr = bottom;
    while addr < end {
        // SAFETY: the 24 KiB below the stack pointer are free RAM (the stack has 4 MiB)
        // that nothing else uses while the measured call has not started.
        unsafe { core::ptr::write_volatile(addr as *mut u32, PATTERN) };
        addr += 4;
    }
    bottom
}

/// The lowest address the measured call wrote to.
#[inline(never)]
fn first_dirty(bottom: usize, top: usize) -> usize {
    let mut addr = bottom;
    // SAFETY: reads the region `paint` wrote, all of it RAM.
    while addr < top && unsafe { core::ptr::read_volatile(addr as *const u32) } == PATTERN {
        addr += 4;
    }
    addr
}

fn report(name: &str, cost: &Cost) {
    hprintln!(
        "cortex-m: {:<22} stack {:>6} bytes  {:>9} instructions (QEMU icount)",
        name,
        cost.stack,
        cost.insns
    );
}

#[cfg(not(feature = "baseline"))]
fn check(ok: bool, what: &'static str) -> Result<(), &'static str> {
    if ok {
        Ok(())
    } else {
        Err(what)
    }
}

#[cfg(feature = "baseline")]
fn run() -> Result<(), &'static str> {
    let mut p = cortex_m::Peripherals::take().ok_or("peripherals taken")?;
    let (_, cost) = measure(&mut p.SYST, || {
        for _ in 0..1000 {
            cortex_m::asm::nop();
        }
    });
    report("1000 nops (calibration)", &cost);
    let (_, cost) = measure(&mut p.SYST, || {
        let a = [7u8; 4000];
        core::hint::black_box(&a);
    });
    report("4000-byte array", &cost);
    Ok(())
}

#[cfg(not(feature = "baseline"))]
fn run() -> Result<(), &'static str> {
    let mut p = cortex_m::Peripherals::take().ok_or("peripherals taken")?;
    let syst = &mut p.SYST;

    let mut header_expected = heapless_str::<64>(SUITE_HEADER_SIGNATURE.trim());
    if cfg!(feature = "wrong-expected") {
        // One digit changed: the run must fail here.
        header_expected.flip_first();
    }
    let time = Timestamp::parse_amz_date("20150830T123600Z").map_err(|_| "time")?;
    let (key, cost) = measure(syst, || {
        SigningKey::derive(
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            time,
            "us-east-1",
            "service",
        )
    });
    let key = key.map_err(|_| "key derivation")?;
    report("derive signing key", &cost);
    let params = SigningParams {
        access_key_id: "AKIDEXAMPLE",
        session_token: None,
        key: &key,
        time,
        settings: Settings::service(),
    };
    let headers = [Header::new("Host", "example.amazonaws.com")];
    let req = Request::from_url(
        "GET",
        "https://example.amazonaws.com/",
        &headers,
        Payload::Bytes(b""),
    )
    .map_err(|_| "request")?;

    // Header signing.
    let (signed, cost) = measure(syst, || sigv4_core::sign(&req, &params));
    let signed = signed.map_err(|_| "sign")?;
    report("sign (headers)", &cost);
    check(
        signed.signature() == header_expected.as_str(),
        "header signature differs from the suite's get-vanilla/header-signature.txt",
    )?;

    // Presigning.
    let (presigned, cost) = measure(syst, || sigv4_core::presign(&req, &params, 3600));
    let presigned = presigned.map_err(|_| "presign")?;
    report("presign (query)", &cost);
    check(
        presigned.signature() == SUITE_QUERY_SIGNATURE.trim(),
        "presigned signature differs from the suite's get-vanilla/query-signature.txt",
    )?;
    let mut query = Text::<512>::new();
    write!(query, "{presigned}").map_err(|_| "presigned query longer than 512 bytes")?;
    check(
        query.as_str().contains("X-Amz-Signature=")
            && query.as_str().contains("X-Amz-Expires=3600"),
        "presigned query lacks its parameters",
    )?;

    #[cfg(not(feature = "sign-only"))]
    verify(syst, &signed, &key, time)?;
    Ok(())
}

/// The signed request as a server receives it verifies; with another host it does not.
#[cfg(all(not(feature = "baseline"), not(feature = "sign-only")))]
fn verify(
    syst: &mut SYST,
    signed: &sigv4_core::HeaderSignature<'_>,
    key: &SigningKey,
    time: Timestamp,
) -> Result<(), &'static str> {
    use sigv4_core::{verify, VerifyPolicy};
    let received = |host: &'static str| {
        [
            Header::new("Host", host),
            Header::new("X-Amz-Date", signed.x_amz_date()),
            Header::new("Authorization", signed.authorization()),
        ]
    };
    let policy = VerifyPolicy::new("us-east-1", "service", time);
    let good = received("example.amazonaws.com");
    let req = Request::from_url(
        "GET",
        "https://example.amazonaws.com/",
        &good,
        Payload::Bytes(b""),
    )
    .map_err(|_| "received")?;
    let (verdict, cost) = measure(syst, || verify(&req, &policy, |_, _| Some(key.clone())));
    report("verify (headers)", &cost);
    check(verdict.is_ok(), "the signed request does not verify")?;
    let forged = received("evil.example.com");
    let req = Request::from_url(
        "GET",
        "https://evil.example.com/",
        &forged,
        Payload::Bytes(b""),
    )
    .map_err(|_| "forged")?;
    check(
        verify(&req, &policy, |_, _| Some(key.clone())).is_err(),
        "a request with another host verifies",
    )
}

/// A fixed-capacity string for what is printed and compared.
#[cfg(not(feature = "baseline"))]
struct Text<const N: usize> {
    buf: [u8; N],
    len: usize,
}

#[cfg(not(feature = "baseline"))]
impl<const N: usize> Text<N> {
    const fn new() -> Self {
        Self {
            buf: [0; N],
            len: 0,
        }
    }

    fn as_str(&self) -> &str {
        core::str::from_utf8(&self.buf[..self.len]).unwrap_or("")
    }

    /// Changes the first character to another hex digit.
    fn flip_first(&mut self) {
        if self.len > 0 {
            self.buf[0] = if self.buf[0] == b'0' { b'1' } else { b'0' };
        }
    }
}

#[cfg(not(feature = "baseline"))]
impl<const N: usize> core::fmt::Write for Text<N> {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let end = self.len + s.len();
        let dst = self.buf.get_mut(self.len..end).ok_or(core::fmt::Error)?;
        dst.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

#[cfg(not(feature = "baseline"))]
fn heapless_str<const N: usize>(s: &str) -> Text<N> {
    let mut t = Text::new();
    let _ = t.write_str(s);
    t
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    hprintln!("cortex-m: PANIC: {}", info);
    debug::exit(debug::EXIT_FAILURE);
    #[allow(
        clippy::empty_loop,
        reason = "semihosting exit does not return under QEMU"
    )]
    loop {}
}
