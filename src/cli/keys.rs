//! `enrolment`, `enrol`, `key-export`, `key-import`: a machine's key ahead of its first
//! package, and a laptop's identity moved to a new file.

use std::io::BufRead;
use std::path::Path;

use anyhow::{Context, bail};

use crate::model::device_key::fingerprint;
use crate::model::key_file;
use crate::store::Store;
use crate::store::sync::Trust;

/// Writes this file's enrolment file.
pub fn write_enrolment(store: &Store, out: &Path) -> anyhow::Result<()> {
    let identity = store.public_identity()?;
    crate::export::write_file_atomically(out, key_file::write_enrolment(&identity).as_bytes())?;
    outln!(
        "已导出设备登记文件 {}：{}，密钥指纹 {}。请交给县办导入（yanshou enrol 文件）。",
        out.display(),
        identity.name,
        fingerprint(&identity.public_key)
    );
    Ok(())
}

/// Learns a machine's key from its enrolment file.
pub fn enrol(store: &mut Store, file: &Path) -> anyhow::Result<()> {
    let text = read_text(file)?;
    let identity = key_file::read_enrolment(&text)?;
    let fp = fingerprint(&identity.public_key);
    match store.enrol(&identity)? {
        Trust::Learned => outln!(
            "已记下“{}”的密钥，指纹 {fp}。请电话请对方读出其“数据交换”页上的密钥指纹核对。",
            identity.name
        ),
        Trust::AlreadyKnown => outln!(
            "“{}”的密钥本机已记下（指纹 {fp}），未作改动。",
            identity.name
        ),
    }
    Ok(())
}

/// Writes this file's identity and key, protected by a password read from stdin.
pub fn export_key(store: &Store, out: &Path) -> anyhow::Result<()> {
    let password = read_password("请输入保护密钥文件的密码（至少 8 个字符）：")?;
    let text = store.export_key_file(&password)?;
    crate::export::write_file_atomically(out, text.as_bytes())?;
    outln!(
        "已导出本机密钥 {}。它能以本机的名义签字：请妥善保管，在新电脑导入后删除（yanshou --db 新文件 key-import {}）。",
        out.display(),
        out.display()
    );
    Ok(())
}

/// Takes over the identity in a key file, the password read from stdin.
pub fn import_key(store: &mut Store, file: &Path) -> anyhow::Result<()> {
    let text = read_text(file)?;
    let password = read_password("请输入密钥文件的密码：")?;
    let identity = store.import_key_file(&text, &password)?;
    outln!(
        "本文件已接替“{}”的身份，密钥指纹 {}。",
        identity.name,
        fingerprint(&identity.public_key)
    );
    Ok(())
}

fn read_text(file: &Path) -> anyhow::Result<String> {
    let bytes = std::fs::read(file).with_context(|| format!("无法读取“{}”", file.display()))?;
    // Key and enrolment files are small JSON; anything large is not one.
    if bytes.len() > 64 * 1024 {
        bail!("“{}”不是密钥或设备登记文件（太大）。", file.display());
    }
    String::from_utf8(bytes)
        .map_err(|_| anyhow::anyhow!("“{}”不是密钥或设备登记文件。", file.display()))
}

/// One line from stdin (the prompt on stderr when a person is typing).
fn read_password(prompt: &str) -> anyhow::Result<String> {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        eprint!("{prompt}");
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("读取密码")?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        bail!("没有输入密码。");
    }
    Ok(password)
}
