# Builds the portable .zip for Windows: unzip anywhere (a USB stick too) and run yanshou.exe;
# the database, its backups and the settings stay in the 数据 folder beside it.
#
#   powershell -ExecutionPolicy Bypass -File packaging\windows\portable.ps1
#
# Layout of 验收-便携版-<version>.zip:
#   验收\yanshou.exe       the program (fonts and catalogues inside)
#   验收\portable.txt      marks the copy portable (data beside the program)
#   验收\数据\              database, backups and settings (made on first run)
#   验收\README.md, copyright, LICENSE-wqy-microhei.txt
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..\..")
cargo build --release --locked
$version = (Select-String -Path Cargo.toml -Pattern '^version = "(.+)"' | Select-Object -First 1).Matches[0].Groups[1].Value
$stage = Join-Path "target" "portable\验收"
Remove-Item -Recurse -Force (Join-Path "target" "portable") -ErrorAction SilentlyContinue
New-Item -ItemType Directory -Force -Path (Join-Path $stage "数据") | Out-Null
Copy-Item "target\release\yanshou.exe" $stage
Copy-Item README.md, packaging\copyright, assets\fonts\LICENSE-wqy-microhei.txt $stage
Set-Content -Encoding UTF8 -Path (Join-Path $stage "portable.txt") -Value "此文件表示便携版：数据库、备份和设置保存在旁边的“数据”文件夹。删除此文件则改用本机用户目录。"
$zip = Join-Path "target" "验收-便携版-$version.zip"
Compress-Archive -Force -Path $stage -DestinationPath $zip
Write-Host "已生成 $zip"
