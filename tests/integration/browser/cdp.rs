//! A minimal Chrome DevTools Protocol client: launches headless Chromium with a fresh
//! profile and drives one page over the browser's WebSocket (evaluate, type, press keys,
//! screenshots). Every call and every wait is bounded in time; the browser is killed on drop.

use std::io::ErrorKind;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{json, Value};
use tungstenite::{Message, WebSocket};

/// Longest wait for one protocol answer.
const CALL_TIMEOUT: Duration = Duration::from_secs(20);
/// Longest wait for the browser to open its debugging port.
const LAUNCH_TIMEOUT: Duration = Duration::from_secs(30);
/// Pause between two checks of a condition in the page.
const POLL_INTERVAL: Duration = Duration::from_millis(50);

/// A headless Chromium with one page, attached over the DevTools protocol.
pub struct Browser {
    child: Child,
    socket: WebSocket<TcpStream>,
    session_id: String,
    next_id: u64,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A key the tests press.
#[derive(Debug, Clone, Copy)]
pub enum Key {
    /// Enter (submits).
    Enter,
    /// Down arrow.
    ArrowDown,
    /// Escape.
    Escape,
}

impl Browser {
    /// Starts `binary` headless with a new profile and opens a blank page of `width`×`height`.
    pub fn launch(binary: &Path, width: u32, height: u32) -> Result<Browser, String> {
        let profile = tempfile::tempdir().map_err(|error| error.to_string())?;
        let child = Command::new(binary)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--lang=fr-FR",
                "--remote-debugging-port=0",
                "--remote-debugging-address=127.0.0.1",
            ])
            .arg(format!("--window-size={width},{height}"))
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|error| format!("cannot start {}: {error}", binary.display()))?;
        // From here on, dropping the half-built browser would leak the process: kill on error.
        let mut guard = ChildGuard(Some(child));
        let (port, path) = wait_for_port_file(&profile.path().join("DevToolsActivePort"))?;
        let stream = TcpStream::connect(("127.0.0.1", port)).map_err(|error| error.to_string())?;
        // A generous timeout for the handshake, then a short one so that reads can poll.
        stream
            .set_read_timeout(Some(CALL_TIMEOUT))
            .map_err(|error| error.to_string())?;
        let (socket, _) = tungstenite::client(format!("ws://127.0.0.1:{port}{path}"), stream)
            .map_err(|error| format!("DevTools handshake: {error}"))?;
        socket
            .get_ref()
            .set_read_timeout(Some(Duration::from_millis(200)))
            .map_err(|error| error.to_string())?;
        let child = guard.0.take().ok_or("browser process lost")?;
        let mut browser = Browser {
            child,
            socket,
            session_id: String::new(),
            next_id: 0,
            _profile: profile,
        };
        let target = browser.call("Target.createTarget", json!({ "url": "about:blank" }))?;
        let target_id = target["targetId"]
            .as_str()
            .ok_or("no target id")?
            .to_string();
        let attached = browser.call(
            "Target.attachToTarget",
            json!({ "targetId": target_id, "flatten": true }),
        )?;
        browser.session_id = attached["sessionId"]
            .as_str()
            .ok_or("no session id")?
            .to_string();
        browser.call("Page.enable", json!({}))?;
        browser.call(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": false }),
        )?;
        Ok(browser)
    }

    /// Sends one command (to the page once attached) and waits for its answer.
    fn call(&mut self, method: &str, params: Value) -> Result<Value, String> {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({ "id": id, "method": method, "params": params });
        if !self.session_id.is_empty() {
            message["sessionId"] = json!(self.session_id);
        }
        self.socket
            .send(Message::text(message.to_string()))
            .map_err(|error| format!("{method}: {error}"))?;
        let deadline = Instant::now() + CALL_TIMEOUT;
        while Instant::now() < deadline {
            let received = match self.socket.read() {
                Ok(received) => received,
                Err(tungstenite::Error::Io(error))
                    if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) =>
                {
                    continue
                }
                Err(error) => return Err(format!("{method}: {error}")),
            };
            let Message::Text(text) = received else {
                continue;
            };
            let answer: Value =
                serde_json::from_str(text.as_str()).map_err(|error| error.to_string())?;
            if answer["id"].as_u64() != Some(id) {
                continue; // an event, or the answer to an earlier call
            }
            if let Some(error) = answer.get("error") {
                return Err(format!("{method}: {error}"));
            }
            return Ok(answer["result"].clone());
        }
        Err(format!("{method}: no answer within {CALL_TIMEOUT:?}"))
    }

    /// Opens `url` and waits until the page has loaded.
    pub fn navigate(&mut self, url: &str) -> Result<(), String> {
        self.call("Page.navigate", json!({ "url": url }))?;
        self.wait_for(
            &format!(
                "location.href.startsWith({}) && document.readyState === 'complete'",
                json!(url)
            ),
            "the page to load",
        )
        .map(|_| ())
    }

    /// Evaluates `expression` in the page (promises awaited) and returns its JSON value.
    pub fn eval(&mut self, expression: &str) -> Result<Value, String> {
        let result = self.call(
            "Runtime.evaluate",
            json!({ "expression": expression, "returnByValue": true, "awaitPromise": true }),
        )?;
        if let Some(exception) = result.get("exceptionDetails") {
            return Err(format!("{expression}: {exception}"));
        }
        Ok(result["result"]["value"].clone())
    }

    /// Waits until `expression` is truthy and returns its value; `what` names it in errors.
    pub fn wait_for(&mut self, expression: &str, what: &str) -> Result<Value, String> {
        let deadline = Instant::now() + CALL_TIMEOUT;
        loop {
            let value = self.eval(expression)?;
            let truthy = match &value {
                Value::Null => false,
                Value::Bool(flag) => *flag,
                Value::Number(number) => number.as_f64().is_some_and(|number| number != 0.0),
                Value::String(text) => !text.is_empty(),
                Value::Array(_) | Value::Object(_) => true,
            };
            if truthy {
                return Ok(value);
            }
            if Instant::now() >= deadline {
                return Err(format!("timed out waiting for {what}"));
            }
            std::thread::sleep(POLL_INTERVAL);
        }
    }

    /// Types `text` into the focused element, one character at a time.
    pub fn type_text(&mut self, text: &str) -> Result<(), String> {
        for character in text.chars() {
            self.call("Input.insertText", json!({ "text": character.to_string() }))?;
        }
        Ok(())
    }

    /// Presses and releases `key` on the focused element.
    pub fn press(&mut self, key: Key) -> Result<(), String> {
        let (name, code, text) = match key {
            Key::Enter => ("Enter", 13, Some("\r")),
            Key::ArrowDown => ("ArrowDown", 40, None),
            Key::Escape => ("Escape", 27, None),
        };
        let mut down = json!({
            "type": if text.is_some() { "keyDown" } else { "rawKeyDown" },
            "key": name,
            "code": name,
            "windowsVirtualKeyCode": code,
            "nativeVirtualKeyCode": code,
        });
        if let Some(text) = text {
            down["text"] = json!(text);
            down["unmodifiedText"] = json!(text);
        }
        self.call("Input.dispatchKeyEvent", down)?;
        self.call(
            "Input.dispatchKeyEvent",
            json!({ "type": "keyUp", "key": name, "code": name,
                    "windowsVirtualKeyCode": code, "nativeVirtualKeyCode": code }),
        )?;
        Ok(())
    }

    /// Saves a PNG of the whole page to `path`.
    pub fn screenshot(&mut self, path: &Path) -> Result<PathBuf, String> {
        let shot = self.call(
            "Page.captureScreenshot",
            json!({ "format": "png", "captureBeyondViewport": true }),
        )?;
        let data = shot["data"].as_str().ok_or("no screenshot data")?;
        let png = base64::engine::general_purpose::STANDARD
            .decode(data)
            .map_err(|error| error.to_string())?;
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder).map_err(|error| error.to_string())?;
        }
        std::fs::write(path, png).map_err(|error| error.to_string())?;
        Ok(path.to_path_buf())
    }
}

/// Kills the browser if launching fails half-way.
struct ChildGuard(Option<Child>);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Reads the port and browser path Chromium writes once its debugging server listens.
fn wait_for_port_file(path: &Path) -> Result<(u16, String), String> {
    let deadline = Instant::now() + LAUNCH_TIMEOUT;
    while Instant::now() < deadline {
        if let Ok(text) = std::fs::read_to_string(path) {
            let mut lines = text.lines();
            if let (Some(port), Some(browser_path)) = (lines.next(), lines.next()) {
                if let Ok(port) = port.trim().parse() {
                    return Ok((port, browser_path.trim().to_string()));
                }
            }
        }
        std::thread::sleep(POLL_INTERVAL);
    }
    Err(format!(
        "Chromium did not open its debugging port within {LAUNCH_TIMEOUT:?}"
    ))
}
