//! Photos as evidence: import limits, orientation, shrinking, storage, and the seal.
#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly

use crate::common;

use image::{ImageFormat, RgbImage};
use yanshou::import::photo::{PhotoError, prepare};
use yanshou::model::{ItemResult, SealCheck, SignMethod};
use yanshou::store::{Store, StoreError};

fn encoded(width: u32, height: u32, format: ImageFormat) -> Vec<u8> {
    let picture = RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    picture.write_to(&mut out, format).unwrap();
    out.into_inner()
}

/// A JPEG with an EXIF block: orientation 6 (rotate 90° clockwise) and a date.
fn jpeg_with_exif(width: u32, height: u32) -> Vec<u8> {
    let jpeg = encoded(width, height, ImageFormat::Jpeg);
    let mut tiff = Vec::new();
    tiff.extend_from_slice(b"II*\0");
    tiff.extend_from_slice(&8u32.to_le_bytes());
    tiff.extend_from_slice(&2u16.to_le_bytes()); // two entries
    // Orientation (0x0112), SHORT, 1, value 6
    tiff.extend_from_slice(&0x0112u16.to_le_bytes());
    tiff.extend_from_slice(&3u16.to_le_bytes());
    tiff.extend_from_slice(&1u32.to_le_bytes());
    tiff.extend_from_slice(&6u32.to_le_bytes());
    // DateTime (0x0132), ASCII, 20, at offset 38
    tiff.extend_from_slice(&0x0132u16.to_le_bytes());
    tiff.extend_from_slice(&2u16.to_le_bytes());
    tiff.extend_from_slice(&20u32.to_le_bytes());
    tiff.extend_from_slice(&38u32.to_le_bytes());
    tiff.extend_from_slice(&0u32.to_le_bytes()); // no next IFD
    tiff.extend_from_slice(b"2024:05:08 10:12:33\0");
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend_from_slice(&tiff);
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
    out.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&payload);
    out.extend_from_slice(&jpeg[2..]);
    out
}

#[test]
fn photos_are_shrunk_hashed_and_given_a_thumbnail() {
    let p = prepare(&encoded(3000, 1200, ImageFormat::Png), "全景.png").unwrap();
    assert_eq!((p.width, p.height), (2000, 800));
    assert!(p.jpeg.starts_with(&[0xFF, 0xD8]), "stored as JPEG");
    assert_eq!(p.sha256.len(), 64);
    let thumb = image::load_from_memory(&p.thumbnail).unwrap();
    assert_eq!(thumb.width().max(thumb.height()), 240);
    assert_eq!(p.taken_at, None);
    // A small photo is not enlarged.
    let small = prepare(&encoded(640, 480, ImageFormat::Jpeg), "小.jpg").unwrap();
    assert_eq!((small.width, small.height), (640, 480));
}

#[test]
fn exif_orientation_is_applied_and_the_time_taken_kept() {
    let p = prepare(&jpeg_with_exif(300, 100), "竖拍.jpg").unwrap();
    assert_eq!((p.width, p.height), (100, 300), "turned upright");
    assert_eq!(p.taken_at.as_deref(), Some("2024-05-08 10:12:33"));
}

#[test]
fn bad_files_get_a_clear_message() {
    let err = prepare("这不是照片".as_bytes(), "假照片.jpg").unwrap_err();
    assert!(matches!(err, PhotoError::NotAnImage { .. }), "{err:?}");
    assert!(err.to_string().contains("不是可识别的照片"));

    let jpeg = encoded(800, 600, ImageFormat::Jpeg);
    let err = prepare(&jpeg[..jpeg.len() / 3], "半张.jpg").unwrap_err();
    assert!(matches!(err, PhotoError::Corrupt { .. }), "{err:?}");
    assert!(err.to_string().contains("已损坏"));

    // A PNG whose header claims 20000 × 20000 pixels is refused before decoding.
    let mut png = encoded(10, 10, ImageFormat::Png);
    png[16..20].copy_from_slice(&20_000u32.to_be_bytes());
    png[20..24].copy_from_slice(&20_000u32.to_be_bytes());
    let crc = crc32fast::hash(&png[12..29]);
    png[29..33].copy_from_slice(&crc.to_be_bytes());
    let err = prepare(&png, "巨幅.png").unwrap_err();
    assert!(
        matches!(err, PhotoError::TooManyPixels { width: 20_000, .. }),
        "{err:?}"
    );

    let err = prepare(&vec![0u8; 41 * 1024 * 1024], "超大.jpg").unwrap_err();
    assert!(matches!(err, PhotoError::TooLarge { .. }), "{err:?}");
}

#[test]
fn photos_are_stored_covered_by_the_seal_and_locked_with_it() {
    let mut store = Store::open_in_memory().unwrap();
    let (_, id) = common::store_with_inspection(&mut store, "照片小区");
    let photos = vec![
        prepare(&encoded(400, 300, ImageFormat::Jpeg), "a.jpg").unwrap(),
        prepare(&jpeg_with_exif(300, 100), "b.jpg").unwrap(),
    ];
    let ids = store.add_photos(id, "XQ-LZ-01", &photos).unwrap();
    assert_eq!(ids.len(), 2);
    let stored = store.photos_of(id).unwrap();
    assert_eq!(stored.len(), 2);
    assert_eq!(stored[1].taken_at.as_deref(), Some("2024-05-08 10:12:33"));
    assert_eq!(store.photo_jpeg(ids[0]).unwrap(), photos[0].jpeg);
    assert!(matches!(
        store.add_photos(id, "NO-SUCH", &photos),
        Err(StoreError::NotFound { .. })
    ));

    common::pass_every_item(&mut store, id);
    for position in 0..3 {
        store
            .sign(id, position, "某人", &SignMethod::WetInk)
            .unwrap();
    }
    store.sign_off(id).unwrap();
    assert!(matches!(
        store.check_seal(id).unwrap(),
        SealCheck::Intact { .. }
    ));
    assert!(matches!(
        store.add_photos(id, "XQ-LZ-01", &photos),
        Err(StoreError::ReadOnlyRecord(_))
    ));
    assert!(matches!(
        store.delete_photo(ids[0]),
        Err(StoreError::ReadOnlyRecord(_))
    ));

    // Swapping a photo behind the app's back breaks the seal.
    store
        .connection()
        .execute_batch(
            "DROP TRIGGER photo_locked_delete; DELETE FROM photo WHERE file_name = 'a.jpg';",
        )
        .unwrap();
    assert!(matches!(
        store.check_seal(id).unwrap(),
        SealCheck::Tampered { .. }
    ));
}

#[test]
fn the_sheet_has_a_photo_appendix() {
    use yanshou::export::{AcceptanceSheet, render_acceptance_sheet};
    let mut store = Store::open_in_memory().unwrap();
    let (_, id) = common::store_with_inspection(&mut store, "附录小区");
    let photos: Vec<_> = (0..5)
        .map(|i| {
            prepare(
                &encoded(1200 + i * 10, 900, ImageFormat::Jpeg),
                &format!("现场{i}.jpg"),
            )
            .unwrap()
        })
        .collect();
    store.add_photos(id, "XQ-SY-03", &photos).unwrap();
    store
        .add_photos(
            id,
            "XQ-LZ-02",
            &[prepare(&jpeg_with_exif(300, 100), "路沿.jpg").unwrap()],
        )
        .unwrap();
    let bytes = render_acceptance_sheet(
        &AcceptanceSheet::load(&store, id, yanshou::model::Clock::local()).unwrap(),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("photos.pdf");
    std::fs::write(&pdf, &bytes).unwrap();
    let list = std::process::Command::new("pdfimages")
        .arg("-list")
        .arg(&pdf)
        .output()
        .expect("pdfimages (poppler-utils)");
    let list = String::from_utf8(list.stdout).unwrap();
    assert_eq!(
        list.lines().skip(2).count(),
        6,
        "one image per photo:\n{list}"
    );
    let text = common::pdf_text(&bytes);
    for expected in [
        "照片附录",
        "XQ-SY-03有健身娱乐设施",
        "XQ-LZ-02路沿齐整",
        "拍摄2024年05月08日10:12（相机时间）·路沿.jpg",
        "拍摄时间不详·现场0.jpg",
    ] {
        assert!(text.contains(expected), "missing {expected} in {text}");
    }
}

#[test]
fn a_reinspection_shows_photos_before_and_after() {
    use yanshou::export::{AcceptanceSheet, render_acceptance_sheet};
    let mut store = Store::open_in_memory().unwrap();
    let (_, first) = common::store_with_inspection(&mut store, "前后小区");
    common::pass_every_item(&mut store, first);
    store
        .record_result(first, "XQ-LZ-02", Some(ItemResult::Fail))
        .unwrap();
    store
        .add_photos(
            first,
            "XQ-LZ-02",
            &[prepare(&encoded(800, 600, ImageFormat::Jpeg), "破损.jpg").unwrap()],
        )
        .unwrap();
    let parties = vec!["建设单位".to_owned()];
    let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
    common::sign_off_as_is(&mut store, first);
    let second = store
        .start_reinspection(first, date, "王工", &parties)
        .unwrap();
    store
        .add_photos(
            second,
            "XQ-LZ-02",
            &[prepare(&encoded(800, 600, ImageFormat::Jpeg), "修复.jpg").unwrap()],
        )
        .unwrap();
    let sheet = AcceptanceSheet::load(&store, second, yanshou::model::Clock::local()).unwrap();
    assert_eq!(sheet.earlier_photos.len(), 1);
    assert_eq!(sheet.earlier_photos[0].0, 1);
    let text = common::pdf_text(&render_acceptance_sheet(&sheet).unwrap());
    assert!(text.contains("整改前（第1轮）XQ-LZ-02路沿齐整"), "{text}");
    assert!(text.contains("整改后XQ-LZ-02路沿齐整"), "{text}");
    assert!(
        text.contains("破损.jpg") && text.contains("修复.jpg"),
        "{text}"
    );
}

#[test]
fn a_large_jpeg_is_decoded_at_half_scale_with_its_content_and_a_batch_keeps_its_order() {
    // Left half red, right half blue, 4000 × 3000: decoded straight to 2000 × 1500.
    let picture = image::RgbImage::from_fn(4000, 3000, |x, _| {
        if x < 2000 {
            image::Rgb([220, 20, 20])
        } else {
            image::Rgb([20, 20, 220])
        }
    });
    let mut bytes = std::io::Cursor::new(Vec::new());
    picture
        .write_to(&mut bytes, image::ImageFormat::Jpeg)
        .unwrap();
    let photo = yanshou::import::photo::prepare(bytes.get_ref(), "大.jpg").unwrap();
    assert_eq!((photo.width, photo.height), (2000, 1500));
    let stored = image::load_from_memory(&photo.jpeg).unwrap().into_rgb8();
    let left = stored.get_pixel(500, 750);
    let right = stored.get_pixel(1500, 750);
    assert!(left[0] > 180 && left[2] < 60, "{left:?}");
    assert!(right[2] > 180 && right[0] < 60, "{right:?}");

    let dir = tempfile::tempdir().unwrap();
    let mut paths = Vec::new();
    for i in 0..5 {
        let path = dir.path().join(format!("{i}.jpg"));
        if i == 2 {
            std::fs::write(&path, b"not a photo").unwrap();
        } else {
            std::fs::write(&path, bytes.get_ref()).unwrap();
        }
        paths.push(path);
    }
    let progress = yanshou::job::Progress::unobserved();
    let results = yanshou::import::photo::import_files(&paths, &progress);
    let names: Vec<String> = results
        .iter()
        .map(|r| match r {
            Ok(p) => p.file_name.clone(),
            Err(e) => format!("错误：{e}"),
        })
        .collect();
    assert_eq!(names[0], "0.jpg");
    assert!(
        names[2].starts_with("错误：") && names[2].contains("2.jpg"),
        "{names:?}"
    );
    assert_eq!(names[4], "4.jpg");
    assert_eq!(progress.get().0, 5);
}
