//! The `redbridge-emu` binary: prints its address when ready, answers HTTP, refuses non-loopback
//! addresses unless `--allow-remote` (tested on loopback only); `--help` and `--version` exit 0; every flag falls back to `REDBRIDGE_EMU_*`; at the
//! file-descriptor limit it backs off instead of spinning.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

fn http(address: &str, request: &str) -> String {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

#[test]
fn the_binary_prints_its_address_and_answers_in_aws_shapes() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_redbridge-emu"))
        .args(["--aws-endpoint", "http://127.0.0.1:9", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let address = line.trim().to_owned();
    let health = http(&address, "GET /_emu/health HTTP/1.0\r\n\r\n");
    let unsigned = http(
        &address,
        "POST / HTTP/1.0\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 38\r\n\r\nAction=DescribeClusters&Version=2012-1",
    );
    let body = "Action=RebootCluster&Version=2012-12-01";
    let unknown = http(
        &address,
        &format!(
            "POST / HTTP/1.0\r\nAuthorization: AWS4-HMAC-SHA256 Credential=111111111111/20260101/us-east-1/redshift/aws4_request, Signature=x\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ),
    );
    Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "SIGTERM stops the emulator cleanly: {status}");
    assert!(address.starts_with("127.0.0.1:"), "{address}");
    assert!(health.starts_with("HTTP/1.0 200") && health.ends_with(r#"{"status":"ok"}"#), "{health}");
    assert!(
        unsigned.starts_with("HTTP/1.0 403") && unsigned.contains("<Code>MissingAuthenticationToken</Code>"),
        "{unsigned}"
    );
    assert!(
        unknown.starts_with("HTTP/1.0 400")
            && unknown.contains("<ErrorResponse")
            && unknown.contains("<Code>InvalidAction</Code>"),
        "{unknown}"
    );
}

#[test]
fn the_binary_refuses_addresses_that_are_not_loopback() {
    let listen = Command::new(env!("CARGO_BIN_EXE_redbridge-emu")).args(["--listen", "0.0.0.0:0"]).output().unwrap();
    assert_eq!(listen.status.code(), Some(2));
    let said = String::from_utf8_lossy(&listen.stderr);
    assert!(said.contains("`--listen 0.0.0.0:0` is not a loopback address; pass `--allow-remote`"), "{said}");
    let endpoint = Command::new(env!("CARGO_BIN_EXE_redbridge-emu"))
        .args(["--aws-endpoint", "http://10.0.0.1:4566"])
        .output()
        .unwrap();
    assert_eq!(endpoint.status.code(), Some(2));
    let said = String::from_utf8_lossy(&endpoint.stderr);
    assert!(said.contains("must be a loopback URL; pass `--allow-remote`"), "{said}");
}

#[test]
fn allow_remote_from_the_environment_accepts_an_endpoint_off_loopback() {
    // The emulator reaches its AWS endpoint only when a request needs it; health needs none,
    // so nothing leaves loopback here.
    let mut child = Command::new(env!("CARGO_BIN_EXE_redbridge-emu"))
        .env("REDBRIDGE_EMU_ALLOW_REMOTE", "true")
        .env("REDBRIDGE_EMU_AWS_ENDPOINT", "http://localstack:4566")
        .env("REDBRIDGE_EMU_LISTEN", "127.0.0.1:0")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let address = line.trim().to_owned();
    let health = if address.is_empty() { String::new() } else { http(&address, "GET /_emu/health HTTP/1.0\r\n\r\n") };
    Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    let status = child.wait().unwrap();
    assert!(address.starts_with("127.0.0.1:"), "started with `REDBRIDGE_EMU_ALLOW_REMOTE=true`: {address:?}");
    assert!(health.ends_with(r#"{"status":"ok"}"#), "{health}");
    assert!(status.success(), "{status}");

    let refused = Command::new(env!("CARGO_BIN_EXE_redbridge-emu"))
        .env("REDBRIDGE_EMU_ALLOW_REMOTE", "false")
        .env("REDBRIDGE_EMU_AWS_ENDPOINT", "http://localstack:4566")
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2), "`REDBRIDGE_EMU_ALLOW_REMOTE=false` does not allow it");
}

#[test]
fn a_sigterm_right_after_the_address_stops_it_cleanly() {
    // The handlers are registered before the address is printed: a launcher may stop the
    // emulator the moment it has read it. (Before, a SIGTERM landing between the print and the
    // registration killed it; that race showed once in CI under load and is too narrow to
    // reproduce at will, so this guards the contract rather than replaying the race.)
    for _ in 0..10 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_redbridge-emu"))
            .args(["--aws-endpoint", "http://127.0.0.1:9", "--listen", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
        let status = child.wait().unwrap();
        assert!(status.success(), "SIGTERM right after `{}` stops it cleanly: {status}", line.trim());
    }
}

#[test]
fn help_and_version_exit_zero() {
    let help = Command::new(env!("CARGO_BIN_EXE_redbridge-emu")).arg("--help").output().unwrap();
    assert_eq!(help.status.code(), Some(0), "--help exits 0");
    let text = String::from_utf8_lossy(&help.stdout);
    for flag in [
        "--aws-endpoint",
        "--listen",
        "--region",
        "--role-apply-delay-ms",
        "--statement-step-ms",
        "--fake-aws",
        "--max-connections",
        "--header-timeout-ms",
        "--idle-timeout-ms",
        "--statement-timeout-ms",
        "--result-retention-ms",
        "--result-size-limit-bytes",
        "--sql-threads",
        "--allow-remote",
    ] {
        assert!(text.contains(flag), "--help names `{flag}`: {text}");
    }
    assert!(text.contains("REDBRIDGE_EMU_AWS_ENDPOINT"), "--help names the environment variables: {text}");
    let version = Command::new(env!("CARGO_BIN_EXE_redbridge-emu")).arg("--version").output().unwrap();
    assert_eq!(version.status.code(), Some(0), "--version exits 0");
    assert_eq!(String::from_utf8_lossy(&version.stdout).trim(), format!("redbridge-emu {}", env!("CARGO_PKG_VERSION")));
}

#[test]
fn every_flag_falls_back_to_its_environment_variable_and_flags_win() {
    let from_env = Command::new(env!("CARGO_BIN_EXE_redbridge-emu"))
        .env("REDBRIDGE_EMU_AWS_ENDPOINT", "http://10.0.0.1:4566")
        .output()
        .unwrap();
    assert_eq!(from_env.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&from_env.stderr).contains("`--aws-endpoint http://10.0.0.1:4566`"));
    let listen = Command::new(env!("CARGO_BIN_EXE_redbridge-emu"))
        .env("REDBRIDGE_EMU_LISTEN", "0.0.0.0:0")
        .env("REDBRIDGE_EMU_AWS_ENDPOINT", "http://127.0.0.1:9")
        .output()
        .unwrap();
    assert!(!listen.status.success());
    assert!(
        String::from_utf8_lossy(&listen.stderr).contains("loopback"),
        "the listen address comes from the environment"
    );
    let bad_delay = Command::new(env!("CARGO_BIN_EXE_redbridge-emu"))
        .env("REDBRIDGE_EMU_ROLE_APPLY_DELAY_MS", "soon")
        .output()
        .unwrap();
    assert_eq!(bad_delay.status.code(), Some(2), "a delay that is not a number is refused");

    // The flag wins over the environment: this one starts and prints its address.
    let mut child = Command::new(env!("CARGO_BIN_EXE_redbridge-emu"))
        .env("REDBRIDGE_EMU_AWS_ENDPOINT", "http://10.0.0.1:4566")
        .env("REDBRIDGE_EMU_STATEMENT_STEP_MS", "1")
        .env("REDBRIDGE_EMU_REGION", "eu-west-1")
        .args(["--aws-endpoint", "http://127.0.0.1:9", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(child.wait().unwrap().success());
    assert!(line.starts_with("127.0.0.1:"), "{line}");
}

/// CPU time (user and system) the process `pid` has used, in clock ticks.
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let after_name = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = after_name.split(' ').collect();
    // After the name: state is field 3 of the line, utime 14 and stime 15.
    fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
}

#[test]
fn at_the_descriptor_limit_the_accept_loop_backs_off_instead_of_spinning_and_recovers() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_redbridge-emu"))
        .args(["--fake-aws", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let address = line.trim().to_owned();
    let pid = child.id();
    let stderr = child.stderr.take().unwrap();
    let said = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let reader = {
        let said = std::sync::Arc::clone(&said);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                said.lock().unwrap().push(line);
            }
        })
    };
    // Room for two more descriptors: two clients are accepted, every further accept fails
    // with `EMFILE` while they stay open.
    let open = std::fs::read_dir(format!("/proc/{pid}/fd")).unwrap().count();
    let limit = open + 2;
    let lowered = Command::new("prlimit").args([format!("--pid={pid}"), format!("--nofile={limit}:{limit}")]).status();
    assert!(lowered.is_ok_and(|s| s.success()), "prlimit lowers the emulator's descriptor limit");
    let clients: Vec<TcpStream> = (0..8).map(|_| TcpStream::connect(&address).unwrap()).collect();
    std::thread::sleep(Duration::from_millis(500));

    let before = cpu_ticks(pid);
    std::thread::sleep(Duration::from_secs(2));
    let used = cpu_ticks(pid) - before;
    let warned_while_stuck = said.lock().unwrap().clone();

    drop(clients);
    // The next try comes at most a second later (the back-off's ceiling); `http` waits 5 s.
    let health = http(&address, "GET /_emu/health HTTP/1.0\r\n\r\n");
    Command::new("kill").args(["-TERM", &pid.to_string()]).status().unwrap();
    assert!(child.wait().unwrap().success());
    reader.join().unwrap();
    let said = said.lock().unwrap().join("\n");
    // A loop retrying at once burns a core: about 200 ticks in two seconds. Backing off to
    // one try a second it uses next to nothing.
    assert!(used < 50, "the accept loop spins at the descriptor limit: {used} ticks of CPU in 2 s");
    assert_eq!(
        warned_while_stuck.iter().filter(|l| l.contains("warning: cannot accept a connection")).count(),
        1,
        "one warning for the burst, not one per failed accept: {warned_while_stuck:?}"
    );
    assert!(health.ends_with(r#"{"status":"ok"}"#), "health answers once descriptors are free again: {health:?}");
    assert!(said.contains("accepting connections again after"), "{said}");
}

#[test]
fn a_hostile_organization_file_exits_2_naming_the_file_and_what_is_wrong() {
    let directory = std::env::temp_dir().join(format!("redbridge-emu-organization-{}", std::process::id()));
    std::fs::create_dir_all(&directory).unwrap();
    let file = directory.join("organization.json");
    std::fs::write(&file, r#"{"id":"o-a1b2c3d4e5","management_account":"999999999999","root":"r-a1b2","accounts":{"111111111111":"ou-a1b2-99999999"}}"#).unwrap();
    let run = |path: &std::path::Path| {
        Command::new(env!("CARGO_BIN_EXE_redbridge-emu"))
            .args(["--aws-endpoint", "http://127.0.0.1:9", "--listen", "127.0.0.1:0", "--organization"])
            .arg(path)
            .output()
            .unwrap()
    };
    let refused = run(&file);
    let missing = run(&directory.join("absent.json"));
    std::fs::remove_dir_all(&directory).unwrap();
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains(&format!("`--organization {}`", file.display())), "{stderr}");
    assert!(stderr.contains("account `111111111111` has parent `ou-a1b2-99999999`"), "{stderr}");
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read `--organization"));
}

#[test]
fn a_valid_organization_file_is_served_from_the_start() {
    let directory = std::env::temp_dir().join(format!("redbridge-emu-organization-ok-{}", std::process::id()));
    std::fs::create_dir_all(&directory).unwrap();
    let file = directory.join("organization.json");
    std::fs::write(&file, r#"{"id":"o-a1b2c3d4e5","management_account":"999999999999","root":"r-a1b2"}"#).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_redbridge-emu"))
        .args(["--aws-endpoint", "http://127.0.0.1:9", "--listen", "127.0.0.1:0"])
        .env("REDBRIDGE_EMU_ORGANIZATION", &file)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let body = "{}";
    let described = http(
        line.trim(),
        &format!(
            "POST / HTTP/1.0\r\nX-Amz-Target: AWSOrganizationsV20161128.DescribeOrganization\r\nAuthorization: AWS4-HMAC-SHA256 Credential=999999999999/20260101/us-east-1/organizations/aws4_request, Signature=x\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ),
    );
    Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    child.wait().unwrap();
    std::fs::remove_dir_all(&directory).unwrap();
    assert!(described.starts_with("HTTP/1.0 200") && described.contains(r#""Id":"o-a1b2c3d4e5""#), "{described}");
}
