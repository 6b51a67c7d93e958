//! Policy packs: Luoning's built-in pack says what the program does today; a pack is checked
//! with messages naming file, line and field; `pack new`, `pack check` and `init --pack` on the
//! command line; a file made with the test county's pack has its towns, targets and rules; a
//! file of every older version learns it worked under Luoning's.
#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly

use std::path::Path;
use std::process::Command;

use yanshou::model::policy_pack::{PackFiles, PolicyPack};
use yanshou::model::{Subject, funding, inspection, progress, rhythm};
use yanshou::store::{SCHEMA_VERSION, Store, migrate_to};

use crate::common::{revised_pack_dir, test_pack_dir};

fn luoning() -> &'static PolicyPack {
    PolicyPack::luoning()
}

#[test]
fn luonings_pack_is_what_the_program_does() {
    let m = &luoning().meta;
    assert_eq!(
        (m.county.name.as_str(), m.county.code.as_str()),
        ("洛宁县", "410328")
    );
    assert_eq!(m.plan.number, "宁政办〔2021〕17号");
    assert_eq!(m.towns.names.len(), 19);
    assert_eq!(m.towns.names[..3], ["城关镇", "王范回族镇", "城郊乡"]);
    let targets: Vec<progress::Target> = m
        .targets
        .iter()
        .map(|t| progress::Target {
            year: t.year,
            span: t.span.map(|[a, b]| (a, b)),
            compounds: t.compounds,
            households: t.households,
            clusters: t.clusters,
            source: t.clause.clone(),
        })
        .collect();
    let target = |year, span, compounds, households, clusters| progress::Target {
        year,
        span,
        compounds,
        households,
        clusters: Some(clusters),
        source: "二、（二）".to_owned(),
    };
    assert_eq!(
        targets,
        [
            target(None, Some((2019, 2023)), 83, 4347, 9),
            target(Some(2021), None, 21, 863, 3),
            target(Some(2022), None, 10, 306, 3),
            target(Some(2023), None, 9, 257, 3),
        ]
    );
    // The programme as the code had it before it moved into the pack: each step's code,
    // phase, name, count and details, in order.
    let programme = luoning().programme;
    let steps: Vec<(&str, &str, &str, Option<&str>, usize)> = programme
        .steps()
        .map(|s| {
            (
                s.code(),
                s.phase().code(),
                s.label(),
                s.count_label(),
                s.detail_fields().len(),
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            (
                "scheme",
                "preparation",
                "编制改造方案（一区一策/一路一策/一楼一策）",
                None,
                1
            ),
            ("publicity", "preparation", "宣传发动", None, 0),
            ("clean_up", "preparation", "先期集中整治", None, 0),
            ("consult", "plan", "一征：征求居民意见", Some("参与户数"), 0),
            (
                "propose",
                "plan",
                "一议：社区党组织提议",
                Some("参会人数"),
                0
            ),
            (
                "deliberate",
                "plan",
                "二议：社区“两委”与业委会商议",
                Some("参会人数"),
                0
            ),
            (
                "resolve",
                "plan",
                "三议：居民代表会议决议",
                Some("同意户数"),
                0
            ),
            ("publish_resolution", "plan", "一公开：决议公开", None, 0),
            ("publish_plan", "plan", "二公开：改造方案公开", None, 0),
            ("approved", "approval", "县政府研究通过", None, 0),
            ("posted", "approval", "方案在小区内公示", None, 0),
            (
                "investment_review",
                "investment_review",
                "投资评审完成",
                None,
                0
            ),
            (
                "tender",
                "construction",
                "招投标（施工、监理单位）",
                None,
                3
            ),
            ("works_board", "construction", "工程信息公示牌", None, 0),
            ("works_start", "construction", "开工", None, 0),
            ("audit", "audit", "决算审计完成", None, 0),
            ("hand_over", "hand_over", "交付", None, 0),
            ("management", "management", "物业管理方案落实", None, 5),
        ]
    );
    let phases: Vec<(&str, &str)> = programme
        .phases()
        .map(|p| (p.label(), p.clause()))
        .collect();
    assert_eq!(
        phases,
        [
            ("前期准备", "四、（一）"),
            ("制定方案（一征三议两公开）", "四、（二）1"),
            ("县政府审定并公示", "四、（二）1"),
            ("投资评审", "四、（二）2"),
            ("招投标与施工", "四、（二）3"),
            ("工程验收", "四、（二）4"),
            ("决算审计", "四、（二）5"),
            ("交付", "四、（二）4“合格一个、交付一个”"),
            ("长效管理", "四、（三）"),
        ]
    );
    assert_eq!(programme.acceptance().label(), "工程验收");
    assert_eq!(
        programme.evaluation_step().map(|s| s.code()),
        Some("management")
    );
    let with_local_rule: Vec<&str> = programme
        .steps()
        .filter(|s| s.local_rule().is_some())
        .map(|s| s.code())
        .collect();
    assert_eq!(
        with_local_rule,
        [
            "consult",
            "propose",
            "deliberate",
            "resolve",
            "publish_resolution",
            "publish_plan"
        ]
    );
    let trunk: Vec<(&str, &str)> = m
        .funding
        .trunk_works
        .iter()
        .map(|w| (w.code.as_str(), w.name.as_str()))
        .collect();
    // The five trunk works the code listed before they moved into the pack.
    assert_eq!(
        trunk,
        [
            ("trunk_road", "城市主干道路"),
            ("trunk_network", "主干管网"),
            ("utility_tunnel", "综合管廊"),
            ("square", "广场"),
            ("park", "城市公园"),
        ]
    );
    let works = funding::Works::of_pack(&m.funding);
    assert_eq!(works[0].label(), "小区及配套设施");
    assert!(works[0].is_ordinary() && works.len() == 6);
    assert_eq!(m.funding.central_cap_percent, 90);
    let compound = Subject::Compound(yanshou::model::CompoundId::new());
    assert_eq!(
        inspection::default_parties(&m.units, compound, Some("城关镇")),
        [
            "洛宁县住房和城乡建设局",
            "城关镇人民政府",
            "施工单位",
            "监理单位",
            "社区居民委员会",
            "居民代表"
        ]
    );
    let reporting: Vec<(&str, &str)> = m
        .rhythm
        .reporting_units
        .iter()
        .map(|u| (u.code.as_str(), u.name.as_str()))
        .collect();
    let coded: Vec<(&str, &str)> = rhythm::UnitKind::ALL
        .iter()
        .map(|u| (u.code(), u.label()))
        .collect();
    assert_eq!(reporting, coded);
    let s = &m.rhythm.score;
    assert_eq!(
        (s.duties, s.role, s.results, s.progress),
        (40, 30, 30, 100),
        "Luoning's weights, as the code had them before they moved into the pack"
    );
    assert_eq!(
        (m.eligibility.built_by, m.eligibility.cluster_only),
        (2000, [2001, 2005])
    );
    // The catalogues are the ones every inspection and survey is filled in with today.
    assert_eq!(
        luoning().current_standards().version,
        yanshou::model::Catalogue::current().version
    );
    assert_eq!(
        luoning().survey.last().unwrap().version,
        yanshou::model::SurveyCatalogue::current().version
    );
}

/// The test pack's files, `edit` applied to one of them.
fn edited(file: &str, edit: impl Fn(&str) -> String) -> PackFiles {
    let mut files = yanshou::import::policy_pack::read_files(&test_pack_dir()).unwrap();
    let text = edit(files.get(file).unwrap());
    files.0.insert(file.to_owned(), text);
    files
}

/// The problem a pack edited so is refused with: (file, line, field, message).
fn refused(file: &str, edit: impl Fn(&str) -> String) -> (String, usize, String, String) {
    let problem = PolicyPack::parse(edited(file, edit)).expect_err("refused");
    (problem.file, problem.line, problem.field, problem.message)
}

/// The 1-based line of the `n`th (from 1) line of `text` containing `needle`.
fn line_with(text: &str, needle: &str, n: usize) -> usize {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.contains(needle))
        .nth(n - 1)
        .map(|(i, _)| i + 1)
        .unwrap()
}

fn pack_text(file: &str) -> String {
    std::fs::read_to_string(test_pack_dir().join(file)).unwrap()
}

#[test]
fn the_test_pack_is_a_different_county() {
    let pack = yanshou::import::policy_pack::read_pack(&test_pack_dir()).unwrap();
    let m = &pack.meta;
    assert_eq!(
        (m.county.name.as_str(), m.county.code.as_str()),
        ("示例县", "990001")
    );
    assert_eq!(m.eligibility.built_by, 2005);
    assert_eq!(m.towns.names, ["示例一镇", "示例二镇", "示例乡"]);
    assert_eq!(
        pack.current_standards()
            .items_of(yanshou::model::catalogue::COMPOUND_STANDARD)
            .len(),
        12
    );
    assert_eq!(
        pack.acceptance_basis("compound"),
        "按小区改造标准“三入、四通、四有、两整”（示政办〔2024〕1号 二、（四）改造提质标准）逐项检查，共 12 项。"
    );
    assert_eq!(
        luoning().acceptance_basis("compound"),
        "按小区改造标准“三入、四通、四有、两整”（宁政办〔2021〕17号 二、（四）改造提质标准）逐项检查，共 13 项。"
    );
    assert!(
        luoning()
            .acceptance_basis("cluster")
            .ends_with("逐项检查，共 30 项。"),
        "{}",
        luoning().acceptance_basis("cluster")
    );
    let parts = pack.parts();
    assert!(
        parts
            .iter()
            .any(|(what, clause)| what == "乡镇 3 个" && clause == "二、（一）"),
        "{parts:?}"
    );
}

#[test]
fn a_duplicate_code_is_said_at_its_second_place() {
    let (file, line, field, message) = refused("pack.toml", |t| {
        t.replacen("code = \"opinion\"", "code = \"door_to_door\"", 1)
    });
    assert_eq!(file, "pack.toml");
    assert_eq!(field, "steps[2].code");
    assert_eq!(
        line,
        line_with(&pack_text("pack.toml"), "code = \"opinion\"", 1)
    );
    assert_eq!(message, "步骤编码“door_to_door”重复");

    let (file, _, field, message) = refused("standards-v1.toml", |t| {
        t.replacen("code = \"XQ-SR-02\"", "code = \"XQ-SR-01\"", 1)
    });
    assert_eq!(file, "standards-v1.toml");
    assert_eq!(field, "items[2].code");
    assert_eq!(message, "条目编码“XQ-SR-01”重复");
}

#[test]
fn a_step_before_its_predecessor_is_refused() {
    // 入户调查 must come after 征求居民意见, which is listed after it.
    let (_, line, field, message) = refused("pack.toml", |t| {
        t.replacen(
            "name = \"入户调查\"",
            "name = \"入户调查\"\nafter = \"opinion\"",
            1,
        )
    });
    assert_eq!(field, "steps[1].after");
    assert_eq!(
        line,
        line_with(&pack_text("pack.toml"), "name = \"入户调查\"", 1) + 1
    );
    assert!(message.contains("排在它的前一步“opinion”之前"), "{message}");

    let (_, _, field, message) = refused("pack.toml", |t| {
        t.replacen(
            "phase = \"survey\"\nname = \"征求居民意见\"",
            "phase = \"works\"\nname = \"征求居民意见\"",
            1,
        )
    });
    assert_eq!(field, "steps[3].phase", "{message}");
    assert!(message.contains("请按阶段顺序排列"), "{message}");
}

#[test]
fn a_programme_has_one_acceptance_phase_and_its_marks_once() {
    let (_, _, field, message) = refused("pack.toml", |t| t.replacen("acceptance = true\n", "", 1));
    assert_eq!(field, "phases");
    assert!(message.contains("现有 0 个"), "{message}");

    // 工程验收 is read from the acceptance records: no step is recorded under it.
    let (_, _, field, message) = refused("pack.toml", |t| {
        t.replacen(
            "phase = \"transfer\"\nname = \"移交物业\"",
            "phase = \"acceptance\"\nname = \"移交物业\"",
            1,
        )
    });
    assert_eq!(field, "steps[5].phase", "{message}");
    assert!(message.contains("取自验收记录"), "{message}");

    let (_, line, field, message) = refused("pack.toml", |t| {
        t.replacen("marks = \"handed_over\"", "marks = \"started\"", 1)
    });
    assert_eq!(field, "steps[5].marks");
    assert_eq!(
        line,
        line_with(&pack_text("pack.toml"), "marks = \"handed_over\"", 1)
    );
    assert!(message.contains("只能标在一个步骤上"), "{message}");

    let (_, _, field, message) = refused("pack.toml", |t| {
        t.replacen("marks = \"started\"", "marks = \"begun\"", 1)
    });
    assert_eq!(field, "steps[4].marks");
    assert!(message.contains("不是“begun”"), "{message}");
}

#[test]
fn a_built_in_version_means_the_built_in_pack() {
    // A copy of Luoning's pack, edited but not given a version of its own, is refused.
    let mut files = PackFiles::built_in("luoning").unwrap();
    let text =
        files
            .get("pack.toml")
            .unwrap()
            .replacen("name = \"宣传发动\"", "name = \"宣传\"", 1);
    files.0.insert("pack.toml".to_owned(), text);
    let problem = PolicyPack::parse(files).unwrap_err();
    assert_eq!(problem.field, "version");
    assert!(
        problem.message.contains("改过的政策包须换一个新的 version"),
        "{problem}"
    );
    // The copy `pack new` makes, unedited, checks.
    PolicyPack::parse(PackFiles::built_in("luoning").unwrap()).unwrap();
    // A file of before format 2 kept Luoning's pack in fewer words: read as this build ships it.
    let mut old = PackFiles::built_in("luoning").unwrap();
    let format1: String = old
        .get("pack.toml")
        .unwrap()
        .replace("format = 2", "format = 1")
        .lines()
        .filter(|l| {
            ![
                "acceptance =",
                "count =",
                "details =",
                "local_rule =",
                "evaluations =",
                "marks =",
            ]
            .iter()
            .any(|k| l.starts_with(k))
        })
        .collect::<Vec<_>>()
        .join("\n");
    old.0.insert("pack.toml".to_owned(), format1.clone());
    let read = PolicyPack::from_stored(old.clone()).unwrap();
    assert_eq!(read.programme, luoning().programme);
    assert_eq!(
        read.programme.evaluation_step().unwrap().code(),
        "management"
    );
    // A format-1 copy checks as it is, and a county's own format-1 pack (a version of its
    // own) keeps what Luoning's step codes meant when they were code.
    PolicyPack::parse(old.clone()).unwrap();
    old.0.insert(
        "pack.toml".to_owned(),
        format1.replace(
            "version = \"410328/2021-17/v1\"",
            "version = \"410328/2021-17/v9\"",
        ),
    );
    let own = PolicyPack::parse(old).unwrap();
    assert_eq!(own.meta.version, "410328/2021-17/v9");
    let p = own.programme;
    assert_eq!(p.evaluation_step().unwrap().code(), "management");
    let started = p.marking(yanshou::model::programme::Mark::Started);
    assert_eq!(started.unwrap().code(), "works_start");
    assert_eq!(p.step("consult").unwrap().count_label(), Some("参与户数"));
}

#[test]
fn a_pack_names_its_county_in_its_version_and_keeps_built_in_catalogues_as_they_are() {
    let (_, line, field, message) = refused("pack.toml", |t| {
        t.replacen(
            "version = \"990001/2024-1/v1\"",
            "version = \"410328/2021-17/v1\"",
            1,
        )
    });
    assert_eq!(field, "version");
    assert_eq!(
        line,
        line_with(&pack_text("pack.toml"), "version = \"990001/2024-1/v1\"", 1)
    );
    assert!(message.contains("应以本县行政区划代码开头"), "{message}");
    // An edited catalogue under a built-in version is refused.
    let (file, _, field, message) = refused("standards-v1.toml", |t| {
        t.replacen("version = \"990001/v1\"", "version = \"2021-17/v1\"", 1)
    });
    assert_eq!(
        (file.as_str(), field.as_str()),
        ("standards-v1.toml", "version")
    );
    assert!(message.contains("是内置目录的版本"), "{message}");
    // A town written twice, once with a space, is one town said twice.
    let (_, _, field, message) = refused("pack.toml", |t| {
        t.replacen("\"示例乡\"]", "\"示例乡\", \" 示例一镇\"]", 1)
    });
    assert_eq!(field, "towns.names[4]");
    assert_eq!(message, "乡镇“示例一镇”重复");
}

#[test]
fn a_year_out_of_range_is_refused_where_it_is() {
    let (_, line, field, message) =
        refused("pack.toml", |t| t.replacen("year = 2024", "year = 1024", 1));
    assert_eq!(field, "targets[2].year");
    assert_eq!(line, line_with(&pack_text("pack.toml"), "year = 2024", 1));
    assert_eq!(message, "年度 1024 不在 1990–2100 之间");

    let (_, _, field, _) = refused("pack.toml", |t| {
        t.replacen("built_by = 2005", "built_by = 3005", 1)
    });
    assert_eq!(field, "eligibility.built_by");
    let (_, _, field, _) = refused("pack.toml", |t| {
        t.replacen("date = \"2024-03-01\"", "date = \"2024-13-01\"", 1)
    });
    assert_eq!(field, "plan.date");
}

#[test]
fn a_standard_group_with_no_items_is_refused() {
    let (file, line, field, message) = refused("standards-v1.toml", |t| {
        t.replacen(
            "groups = [\"三入\", \"四通\", \"四有\", \"两整\"]",
            "groups = [\"三入\", \"四通\", \"四有\", \"两整\", \"五美\"]",
            1,
        )
    });
    assert_eq!(file, "standards-v1.toml");
    assert_eq!(field, "standards[1].groups");
    assert_eq!(
        line,
        line_with(&pack_text("standards-v1.toml"), "groups = [\"三入\"", 1)
    );
    assert_eq!(message, "标准“小区改造标准”的类别“五美”没有任何条目");
}

#[test]
fn an_empty_clause_is_refused_wherever_it_is() {
    let (_, line, field, message) = refused("pack.toml", |t| {
        t.replacen("clause = \"五、（一）\"", "clause = \"  \"", 1)
    });
    assert_eq!(field, "funding.clause");
    assert_eq!(
        line,
        line_with(&pack_text("pack.toml"), "clause = \"五、（一）\"", 1)
    );
    assert_eq!(message, "依据条款不能为空");

    let (file, _, field, message) = refused("standards-v1.toml", |t| {
        t.replacen(
            "clause = \"二、（四）“电线、网线、缆线全部入地入槽”\"",
            "clause = \"\"",
            1,
        )
    });
    assert_eq!(
        (file.as_str(), field.as_str()),
        ("standards-v1.toml", "items[1].clause")
    );
    assert_eq!(message, "依据条款不能为空");
}

#[test]
fn broken_and_foreign_packs_are_said_plainly() {
    // Not TOML at all: the line of the fault.
    let (_, line, field, message) = refused("pack.toml", |t| t.replacen("[county]", "[county", 1));
    assert_eq!(line, line_with(&pack_text("pack.toml"), "[county]", 1));
    assert!(field.is_empty());
    assert!(message.starts_with("格式有误"), "{message}");
    // A misspelt field is named.
    let (_, _, _, message) = refused("pack.toml", |t| {
        t.replacen("built_by = 2005", "built_bye = 2005", 1)
    });
    assert!(message.contains("built_bye"), "{message}");
    // A catalogue it names is missing.
    let mut files = edited("pack.toml", str::to_owned);
    files.0.remove("survey-v1.toml");
    let problem = PolicyPack::parse(files).unwrap_err();
    assert_eq!(problem.field, "catalogues.survey[1]");
    assert!(
        problem
            .to_string()
            .contains("找不到目录文件“survey-v1.toml”"),
        "{problem}"
    );
    // A folder without pack.toml, and no folder.
    let dir = tempfile::tempdir().unwrap();
    let e = yanshou::import::policy_pack::read_pack(dir.path()).unwrap_err();
    assert!(e.to_string().contains("没有 pack.toml"), "{e}");
    let e = yanshou::import::policy_pack::read_pack(&dir.path().join("无")).unwrap_err();
    assert!(e.to_string().contains("找不到政策包文件夹"), "{e}");
}

fn yanshou() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_yanshou"));
    command.env_remove("RUST_LOG");
    command
}

fn run(args: &[&std::ffi::OsStr]) -> std::process::Output {
    yanshou().args(args).output().unwrap()
}

#[test]
fn pack_new_check_and_init_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("本县政策包");
    let out = run(&[
        "pack".as_ref(),
        "new".as_ref(),
        "--from".as_ref(),
        "luoning".as_ref(),
        copy.as_os_str(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(copy.join("pack.toml")).unwrap(),
        include_str!("../../assets/packs/luoning/pack.toml")
    );
    // A second copy into the same folder replaces nothing.
    let out = run(&[
        "pack".as_ref(),
        "new".as_ref(),
        "--from".as_ref(),
        "luoning".as_ref(),
        copy.as_os_str(),
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("已有文件"));
    let out = run(&[
        "pack".as_ref(),
        "new".as_ref(),
        "--from".as_ref(),
        "nowhere".as_ref(),
        dir.path().join("x").as_os_str(),
    ]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("可用的有：luoning"));

    let out = run(&[
        "pack".as_ref(),
        "check".as_ref(),
        test_pack_dir().as_os_str(),
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success());
    assert!(
        text.starts_with("示例县（990001）政策包，版本 990001/2024-1/v1"),
        "{text}"
    );
    assert!(
        text.contains("小区改造标准“三入、四通、四有、两整”：12 项"),
        "{text}"
    );

    // A broken pack: said with file, line and field; no file is made.
    std::fs::write(
        copy.join("pack.toml"),
        include_str!("../../assets/packs/luoning/pack.toml").replace("year = 2022", "year = 2222"),
    )
    .unwrap();
    let out = run(&["pack".as_ref(), "check".as_ref(), copy.as_os_str()]);
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    let line = line_with(
        include_str!("../../assets/packs/luoning/pack.toml"),
        "year = 2022",
        1,
    );
    assert!(
        said.contains(&format!(
            "政策包文件 pack.toml 第 {line} 行，targets[3].year：年度 2222 不在 1990–2100 之间"
        )),
        "{said}"
    );
    let db = dir.path().join("坏.db");
    let out = run(&[
        "--db".as_ref(),
        db.as_os_str(),
        "init".as_ref(),
        "--pack".as_ref(),
        copy.as_os_str(),
    ]);
    assert!(!out.status.success());
    assert!(!db.exists());

    // The test county's file.
    let db = dir.path().join("示例县.db");
    let out = run(&[
        "--db".as_ref(),
        db.as_os_str(),
        "init".as_ref(),
        "--pack".as_ref(),
        test_pack_dir().as_os_str(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("示例县，政策包 990001/2024-1/v1"));
    let store = Store::open(&db).unwrap();
    let towns: Vec<String> = store.towns().unwrap().into_iter().map(|t| t.name).collect();
    assert_eq!(towns, ["示例一镇", "示例二镇", "示例乡"]);
    let mut targets: Vec<(Option<i32>, u32, u32)> = store
        .targets()
        .unwrap()
        .into_iter()
        .map(|t| (t.year, t.compounds, t.households))
        .collect();
    targets.sort();
    assert_eq!(
        targets,
        [
            (None, 30, 1500),
            (Some(2024), 12, 600),
            (Some(2025), 18, 900)
        ]
    );
    let rules = store.policy_rules().unwrap();
    assert_eq!(
        (rules.willingness.numerator, rules.willingness.denominator),
        (3, 4)
    );
    let summary = store.pack_summary().unwrap();
    assert_eq!(
        (summary.county_code.as_str(), summary.county_name.as_str()),
        ("990001", "示例县")
    );
    let pack = store.policy_pack().unwrap();
    assert_eq!(pack.meta.plan.number, "示政办〔2024〕1号");
    assert_eq!(
        pack.files,
        yanshou::import::policy_pack::read_files(&test_pack_dir()).unwrap()
    );

    // A plain init is Luoning's.
    let db = dir.path().join("洛宁.db");
    let out = run(&["--db".as_ref(), db.as_os_str(), "init".as_ref()]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("洛宁县，政策包 410328/2021-17/v1"));
}

#[test]
fn a_file_with_records_keeps_its_county() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("a.db")).unwrap();
    yanshou::store::sample::write_sample(&mut store, false).unwrap();
    let pack = yanshou::import::policy_pack::read_pack(&test_pack_dir()).unwrap();
    let refused = store.start_with_pack(&pack).unwrap_err();
    assert!(refused.to_string().contains("此文件已有记录"), "{refused}");
    assert_eq!(store.pack_summary().unwrap().county_name, "洛宁县");
    assert_eq!(store.towns().unwrap().len(), 19);
}

#[test]
fn files_of_every_older_version_learn_they_worked_under_luonings_pack() {
    let dir = tempfile::tempdir().unwrap();
    for version in 0..SCHEMA_VERSION {
        let path = dir.path().join(format!("v{version}.db"));
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        migrate_to(&mut conn, version).unwrap();
        drop(conn);
        let store = Store::open(&path).unwrap();
        let summary = store.pack_summary().unwrap();
        assert_eq!(
            (summary.county_code.as_str(), summary.version.as_str()),
            ("410328", "410328/2021-17/v1"),
            "v{version}"
        );
        assert_eq!(store.policy_pack().unwrap().meta.county.name, "洛宁县");
    }
}

/// A new file for the test county, its pack taken on.
fn test_county_file(dir: &Path) -> Store {
    let mut store = Store::open(&dir.join("示例县.db")).unwrap();
    let pack = yanshou::import::policy_pack::read_pack(&test_pack_dir()).unwrap();
    store.start_with_pack(&pack).unwrap();
    store
}

/// The build-year rule of 二、（一） for a compound built in `year`, in a cluster or not.
fn year_rule(store: &Store, year: i32, in_cluster: bool) -> (yanshou::model::Finding, String) {
    use yanshou::model::{EligibilityFacts, assess};
    let facts = EligibilityFacts::gather(Some(year), in_cluster, Some(100), None)
        .with_rules(&store.policy_rules().unwrap());
    let report = assess(&facts);
    let check = report
        .checks
        .iter()
        .find(|c| c.rule == "建成年代")
        .unwrap()
        .clone();
    (check.finding, check.reason)
}

#[test]
fn the_programme_follows_the_files_pack() {
    use yanshou::model::programme::{PhaseState, StepRecord, phase_state};
    let dir = tempfile::tempdir().unwrap();
    let mut store = test_county_file(dir.path());
    let programme = store.programme().unwrap();
    let phases: Vec<&str> = programme.phases().map(|p| p.label()).collect();
    assert_eq!(
        phases,
        ["调查摸底", "方案审批", "组织施工", "竣工验收", "移交管理"]
    );
    let steps: Vec<&str> = programme.steps().map(|s| s.code()).collect();
    assert_eq!(
        steps,
        ["door_to_door", "opinion", "approval", "start", "transfer"]
    );
    let step = |code: &str| programme.step(code).unwrap();
    assert_eq!(step("opinion").count_label(), Some("同意户数"));
    assert_eq!(step("opinion").evidence(), Some("居民意见表（签名）"));
    assert_eq!(step("start").detail_fields(), ["施工单位", "合同工期"]);
    assert_eq!(programme.acceptance().label(), "竣工验收");
    // Luoning's steps are not this county's.
    assert!(programme.step("consult").is_none());

    let c = crate::common::compound("示例小区");
    store.save_compound(&c).unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
    let record = |s: &str, on: chrono::NaiveDate| StepRecord {
        step: step(s),
        done_on: on,
        unit: "示例镇人民政府".to_owned(),
        count: None,
        note: String::new(),
        details: Vec::new(),
        evidence: Vec::new(),
    };
    let day = |m, d| chrono::NaiveDate::from_ymd_opt(2025, m, d).unwrap();
    store
        .record_step(c.id, &record("door_to_door", day(3, 1)), today)
        .unwrap();
    // In this pack's order: 征求居民意见 follows 入户调查.
    let early = store
        .record_step(c.id, &record("opinion", day(2, 1)), today)
        .unwrap_err()
        .to_string();
    assert!(early.contains("不能早于它之前的“入户调查”"), "{early}");
    // 移交物业 comes after this pack's 竣工验收, said with its clause.
    let before_acceptance = store
        .record_step(c.id, &record("transfer", day(5, 1)), today)
        .unwrap_err()
        .to_string();
    assert!(
        before_acceptance.contains("须在竣工验收合格（各方签字）之后登记（三、（四））"),
        "{before_acceptance}"
    );
    store
        .record_step(c.id, &record("opinion", day(3, 5)), today)
        .unwrap();
    store
        .add_evidence(c.id, step("opinion"), "意见表.pdf", b"%PDF")
        .unwrap();
    store
        .add_evidence(c.id, step("door_to_door"), "调查表.pdf", b"%PDF")
        .unwrap();
    let recorded = store.steps_of(c.id).unwrap();
    let survey = programme.phases().next().unwrap();
    assert_eq!(phase_state(survey, &recorded, false), PhaseState::Done);
    assert_eq!(store.compound_row(c.id).unwrap().phase, Some(survey));
    // The property service is evaluated after this pack's 移交物业, not before.
    let evaluation = yanshou::model::programme::ServiceEvaluation {
        id: Default::default(),
        evaluated_on: day(5, 1),
        unit: "示例县住建局".to_owned(),
        score: 90,
        note: String::new(),
    };
    let refused = store
        .add_evaluation(c.id, &evaluation, today)
        .unwrap_err()
        .to_string();
    assert!(refused.contains("请先登记“移交物业”"), "{refused}");

    // The sample data walks this county's steps.
    std::fs::create_dir(dir.path().join("sample")).unwrap();
    let mut sample = test_county_file(&dir.path().join("sample"));
    let first = yanshou::store::sample::write_sample(&mut sample, false).unwrap();
    let walked: Vec<&str> = sample
        .steps_of(first)
        .unwrap()
        .iter()
        .map(|r| r.step.code())
        .collect();
    assert_eq!(walked, steps);
    assert_eq!(sample.evaluations_of(first).unwrap().len(), 2);
}

#[test]
fn eligibility_follows_the_files_pack() {
    use yanshou::model::Finding;
    let dir = tempfile::tempdir().unwrap();
    let county = test_county_file(dir.path());
    let luoning = Store::open(&dir.path().join("洛宁.db")).unwrap();
    // Built in 2004: in Luoning only inside a cluster; in the test county (cut-off 2005) in scope.
    assert_eq!(
        year_rule(&luoning, 2004, false),
        (
            Finding::NotMet,
            "2004 年建成且不在片区内；2001–2005 年建成的小区仅在片区内同步列入".to_owned()
        )
    );
    assert_eq!(
        year_rule(&county, 2004, false),
        (Finding::Met, "2004 年建成，属 2005 年前建成".to_owned())
    );
    assert_eq!(
        year_rule(&county, 2008, true),
        (
            Finding::Met,
            "2008 年建成，位于片区内，按 2006–2010 年建成小区同步列入".to_owned()
        )
    );
    assert_eq!(
        year_rule(&county, 2011, false),
        (Finding::NotMet, "2011 年建成，晚于 2010 年".to_owned())
    );
    assert_eq!(
        county.eligibility_clause().unwrap(),
        "示政办〔2024〕1号 二、（一）改造范围"
    );
    assert_eq!(
        luoning.eligibility_clause().unwrap(),
        "宁政办〔2021〕17号 二、（一）改造提质范围"
    );
    // The conditions that apply are the pack's: this county does not ask about demolition,
    // so a compound fit to be pulled down is not refused for it here, as it is in Luoning.
    use yanshou::model::{EligibilityFacts, assess};
    let rules_of = |store: &Store| {
        let mut survey = yanshou::model::CompoundSurvey::new(
            yanshou::model::CompoundId::new(),
            1,
            chrono::NaiveDate::from_ymd_opt(2025, 3, 1).unwrap(),
            "张三".to_owned(),
            store.survey_catalogue_in_force().unwrap(),
        );
        survey.demolition_suitable = Some(true);
        let facts = EligibilityFacts::gather(Some(1990), false, Some(100), Some(&survey))
            .with_rules(&store.policy_rules().unwrap());
        assess(&facts)
            .checks
            .iter()
            .map(|c| c.rule)
            .collect::<Vec<_>>()
    };
    assert!(rules_of(&luoning).contains(&"不宜整体拆除重建"));
    assert_eq!(
        rules_of(&county),
        [
            "建成年代",
            "失养失修失管、配套设施不完善",
            "房屋结构安全",
            "居民改造意愿强烈"
        ]
    );
    // An unknown condition is refused where it is written.
    let (_, _, field, message) = refused("pack.toml", |t| {
        t.replacen("\"willingness\"]", "\"willingness\", \"elevator\"]", 1)
    });
    assert_eq!(field, "eligibility.conditions[4]");
    assert!(message.contains("没有“elevator”这一条件"), "{message}");
}

#[test]
fn inspections_use_the_packs_standards_and_units() {
    let dir = tempfile::tempdir().unwrap();
    let mut county = test_county_file(dir.path());
    let catalogue = county.standards_in_force().unwrap();
    assert_eq!(catalogue.version, "990001/v1");
    let pack = county.policy_pack().unwrap();
    let town = pack.meta.towns.names[0].clone();
    let mut compound = crate::common::compound("示例小区");
    compound.town_id = county
        .towns()
        .unwrap()
        .into_iter()
        .find(|t| t.name == town)
        .map(|t| t.id);
    county.save_compound(&compound).unwrap();
    let subject = Subject::Compound(compound.id);
    let parties = inspection::default_parties(&pack.meta.units, subject, Some(&town));
    assert_eq!(
        parties,
        [
            "示例县住房和城乡建设局",
            "示例一镇人民政府",
            "施工单位",
            "监理单位",
            "物业服务企业"
        ]
    );
    let id = county
        .start_inspection(
            subject,
            catalogue,
            chrono::NaiveDate::from_ymd_opt(2026, 5, 1).unwrap(),
            "王工",
            &parties,
        )
        .unwrap();
    let inspection = county.inspection(id).unwrap();
    assert_eq!(inspection.items.len(), 12);
    // The sheet is the county's, under its plan.
    let sheet =
        yanshou::export::AcceptanceSheet::load(&county, id, crate::common::china_now()).unwrap();
    let text = crate::common::pdf_text(&yanshou::export::render_acceptance_sheet(&sheet).unwrap());
    assert!(
        text.contains("示例县城镇老旧小区改造提质工程验收单"),
        "{text}"
    );
    assert!(
        text.contains("依据：示政办〔2024〕1号二、（四）改造提质标准"),
        "{text}"
    );
    // (The fixture compound's owner is 洛宁县住建局: only the sheet's own words are looked at.)
    assert!(
        !text.contains("洛宁县城镇") && !text.contains("宁政办"),
        "{text}"
    );
    let report =
        yanshou::export::progress_report::ProgressReport::load(&county, crate::common::china_now())
            .unwrap();
    let text = crate::common::pdf_text(
        &yanshou::export::progress_report::render_progress_report(&report).unwrap(),
    );
    assert!(
        text.contains("示例县城镇老旧小区改造提质进度报表"),
        "{text}"
    );
    assert!(text.contains("对照示政办〔2024〕1号"), "{text}");
    assert!(
        !text.contains("洛宁县城镇") && !text.contains("宁政办"),
        "{text}"
    );
    assert!(!text.contains("4347") && text.contains("1500"), "{text}");
    assert!(
        inspection
            .items
            .iter()
            .all(|i| i.standard.code != "XQ-LZ-02")
    );
    // Read back in another store (the catalogue known by its version).
    let again = Store::open_read_only(&dir.path().join("示例县.db")).unwrap();
    assert_eq!(again.inspection(id).unwrap().items.len(), 12);
    // The user's own unit: the county's housing bureau is the same organisation.
    assert_eq!(
        inspection::with_own_unit(
            parties.clone(),
            "示例县住建局改造办",
            &pack.meta.county.name
        ),
        parties
    );
}

#[test]
fn funding_checks_follow_the_packs_cap() {
    use yanshou::model::funding::{Funding, RedLine, Source, Works, flags};
    let entry = |amount_fen: i64| Funding {
        id: Default::default(),
        year: 2025,
        source: Source::Central,
        project: "雨污分流".to_owned(),
        red_line: Some(RedLine::Inside),
        amount_fen,
        project_total_fen: Some(100_000),
        works: Works::ordinary(),
        tied: false,
        note: String::new(),
    };
    let county = yanshou::import::policy_pack::read_pack(&test_pack_dir()).unwrap();
    // 85% of the total: within Luoning's 90%, over the test county's 80%.
    let entries = [entry(85_000)];
    assert!(flags(&entries, &luoning().meta.funding).is_empty());
    let found = flags(&entries, &county.meta.funding);
    assert_eq!(found.len(), 1);
    assert!(
        found[0]
            .message
            .ends_with("占总投资 1,000.00 元 的 85.00%，超过 80%（五、（一））"),
        "{}",
        found[0].message
    );
    // What central money may not pay for is the pack's list: 城市快速路 here, not in Luoning.
    let mut expressway = entry(10_000);
    expressway.works = Works::from_stored("expressway", &county.meta.funding);
    assert_eq!(expressway.works.label(), "城市快速路");
    let found = flags(std::slice::from_ref(&expressway), &county.meta.funding);
    assert!(
        found[0]
            .message
            .contains("用于与小区不直接相关的城市快速路"),
        "{found:?}"
    );
    assert!(flags(&[expressway], &luoning().meta.funding).is_empty());
    let choices: Vec<String> = Works::of_pack(&county.meta.funding)
        .iter()
        .map(|w| w.label().to_owned())
        .collect();
    assert_eq!(
        choices,
        [
            "小区及配套设施",
            "城市主干道路",
            "城市快速路",
            "主干管网",
            "城市公园"
        ]
    );
}

#[test]
fn a_revised_pack_says_what_it_changes() {
    let dir = tempfile::tempdir().unwrap();
    let old = yanshou::import::policy_pack::read_pack(&test_pack_dir()).unwrap();
    let new = yanshou::import::policy_pack::read_pack(&revised_pack_dir(dir.path())).unwrap();
    assert_eq!(
        yanshou::model::policy_pack::changes(&old, &new),
        [
            "验收标准目录：990001/v1 → 990001/v2",
            "改写标准 XQ-SR-01：“电线全部入地入槽” → “电力线全部入地入槽”",
            "新增标准 XQ-LZ-09：楼道整洁",
            "新增乡镇：示例新镇",
            "目标任务 2025 年：小区 18 个、900 户 → 小区 20 个、950 户",
        ]
    );
    assert!(yanshou::model::policy_pack::changes(&old, &old).is_empty());
}

/// A machine of the test county.
fn county_machine(
    dir: &Path,
    name: &str,
    role: yanshou::model::sync::Role,
) -> crate::common::sync::Machine {
    let mut m = crate::common::sync::Machine::new(dir, name, role);
    let pack = yanshou::import::policy_pack::read_pack(&test_pack_dir()).unwrap();
    m.store.start_with_pack(&pack).unwrap();
    m
}

#[test]
fn a_revised_pack_reaches_the_laptops_and_old_records_keep_their_version() {
    use yanshou::model::sync::Role;
    let dir = tempfile::tempdir().unwrap();
    let mut office = county_machine(dir.path(), "县办", Role::Office);
    let mut laptop = county_machine(dir.path(), "外业甲", Role::Field);
    // An acceptance under version 1, made on the laptop.
    let town = laptop.store.towns().unwrap()[0].clone();
    let mut compound = crate::common::compound("示例小区");
    compound.town_id = Some(town.id);
    laptop.store.save_compound(&compound).unwrap();
    let v1 = laptop.store.standards_in_force().unwrap();
    let day = chrono::NaiveDate::from_ymd_opt(2026, 5, 1).unwrap();
    let old = laptop
        .store
        .start_inspection(
            Subject::Compound(compound.id),
            v1,
            day,
            "王工",
            &["建设单位".to_owned()],
        )
        .unwrap();
    office.receive(&laptop.send(None)).unwrap();

    // The office takes version 2; the laptop may not.
    let revised = yanshou::import::policy_pack::read_pack(&revised_pack_dir(dir.path())).unwrap();
    let refused = laptop.store.add_pack_version(&revised).unwrap_err();
    assert!(refused.to_string().contains("只有县办"), "{refused}");
    office.store.add_pack_version(&revised).unwrap();
    let again = office.store.add_pack_version(&revised).unwrap_err();
    assert!(again.to_string().contains("已载入过"), "{again}");
    let luoning_pack = luoning().clone();
    let other = office.store.add_pack_version(&luoning_pack).unwrap_err();
    assert!(
        other.to_string().contains("属于洛宁县（410328）"),
        "{other}"
    );
    assert_eq!(
        office.store.pack_summary().unwrap().version,
        "990001/2024-1/v2"
    );
    assert_eq!(
        office.store.standards_in_force().unwrap().version,
        "990001/v2"
    );
    assert!(
        office
            .store
            .towns()
            .unwrap()
            .iter()
            .any(|t| t.name == "示例新镇")
    );
    let target_2025 = office
        .store
        .targets()
        .unwrap()
        .into_iter()
        .find(|t| t.year == Some(2025))
        .unwrap();
    assert_eq!((target_2025.compounds, target_2025.households), (20, 950));

    // It reaches the laptop in the office's package.
    let outcome = laptop.receive(&office.send(Some(&laptop))).unwrap();
    assert!(outcome.counts.contains_key("policy_pack"), "{outcome:?}");
    let summary = laptop.store.pack_summary().unwrap();
    assert_eq!(summary.version, "990001/2024-1/v2");
    let v2 = laptop.store.standards_in_force().unwrap();
    assert_eq!(v2.version, "990001/v2");
    assert!(
        laptop
            .store
            .towns()
            .unwrap()
            .iter()
            .any(|t| t.name == "示例新镇")
    );
    // The record started under version 1 keeps it; a new one takes version 2.
    let kept = laptop.store.inspection(old).unwrap();
    assert_eq!(kept.catalogue_version, "990001/v1");
    assert_eq!(kept.pack_version, "990001/2024-1/v1");
    assert_eq!(kept.items.len(), 12);
    assert!(
        kept.items
            .iter()
            .any(|i| i.standard.text == "电线全部入地入槽")
    );
    let mut second = crate::common::compound("示例二小区");
    second.town_id = Some(town.id);
    laptop.store.save_compound(&second).unwrap();
    let new = laptop
        .store
        .start_inspection(
            Subject::Compound(second.id),
            v2,
            day,
            "王工",
            &["建设单位".to_owned()],
        )
        .unwrap();
    let new = laptop.store.inspection(new).unwrap();
    assert_eq!(new.items.len(), 13);
    assert_eq!(new.pack_version, "990001/2024-1/v2");
    assert!(
        new.items
            .iter()
            .any(|i| i.standard.text == "电力线全部入地入槽")
    );
    // And back at the office, both are read against their own versions.
    office.receive(&laptop.send(Some(&office))).unwrap();
    assert_eq!(office.store.inspection(old).unwrap().items.len(), 12);
    assert_eq!(
        (
            office.store.inspection(old).unwrap().pack_version,
            office.store.inspection(new.id).unwrap().pack_version
        ),
        ("990001/2024-1/v1".to_owned(), "990001/2024-1/v2".to_owned())
    );
    // A survey records the version it was made under too.
    let catalogue = laptop.store.survey_catalogue_in_force().unwrap();
    let survey = laptop
        .store
        .start_survey(second.id, day, "张三", catalogue)
        .unwrap();
    assert_eq!(
        laptop.store.survey(survey.id).unwrap().pack_version,
        "990001/2024-1/v2"
    );

    // A new laptop set up from the office gets both versions in one snapshot, in whatever
    // order its rows come: the higher revision is in force.
    let mut third = crate::common::sync::Machine::new(dir.path(), "外业丙", Role::Field);
    third
        .receive(&office.send_scope(None, yanshou::store::sync::Scope::Everything { town: None }))
        .unwrap();
    assert_eq!(
        third.store.pack_summary().unwrap().version,
        "990001/2024-1/v2"
    );
    assert_eq!(
        third.store.pack_versions().unwrap(),
        ["990001/2024-1/v1", "990001/2024-1/v2"]
    );
    assert_eq!(third.store.inspection(old).unwrap().items.len(), 12);
}

/// No Luoning data is written into the program: its town names and its targets' figures (83
/// compounds, 4,347 households) are only in its pack (`assets/packs/luoning/`), in the tests
/// (a source file's `#[cfg(test)]` module at its end, and the crate's test-only modules), in
/// comments, and in the shipped migrations, which are history (what files of the past were
/// given) and never change.
#[test]
fn no_luoning_data_is_left_in_the_code() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut words: Vec<String> = luoning().meta.towns.names.clone();
    words.push("回族镇".to_owned());
    let figure = |line: &str, n: &str| {
        line.match_indices(n).any(|(i, _)| {
            let before = line[..i].chars().next_back();
            let after = line[i + n.len()..].chars().next();
            !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '.')
                && !after.is_some_and(|c| c.is_ascii_alphanumeric() || c == '.')
        })
    };
    let history = [
        root.join("store/migrations.rs"),
        root.join("store/migrations"),
    ];
    let test_only = [root.join("store/example_table.rs")];
    let mut found = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if history
                .iter()
                .chain(&test_only)
                .any(|h| path.starts_with(h))
            {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let sql = path.extension().is_some_and(|e| e == "sql");
            if !sql && path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for (n, line) in text.lines().enumerate() {
                if line.trim_start() == "#[cfg(test)]"
                    && text.lines().skip(n + 1).any(|l| l.starts_with("mod tests"))
                {
                    break;
                }
                let code = line.split("//").next().unwrap_or_default();
                let code = if sql {
                    code.split("--").next().unwrap_or_default()
                } else {
                    code
                };
                let hit = words.iter().any(|w| code.contains(w.as_str()))
                    || code.contains("洛宁")
                    || figure(code, "83")
                    || figure(code, "4347");
                if hit {
                    found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "Luoning data in code:\n{}",
        found.join("\n")
    );
}

#[test]
fn a_new_laptop_set_up_from_the_office_takes_its_county_and_a_file_with_records_refuses_it() {
    use yanshou::model::sync::Role;
    use yanshou::store::sync::Scope;
    let dir = tempfile::tempdir().unwrap();
    let mut office = county_machine(dir.path(), "县办", Role::Office);
    // A plain new file is Luoning's; set up from the test county's office, it is that county's.
    let mut laptop = crate::common::sync::Machine::new(dir.path(), "外业甲", Role::Field);
    assert_eq!(laptop.store.pack_summary().unwrap().county_code, "410328");
    let everything = office.send_scope(None, Scope::Everything { town: None });
    laptop.receive(&everything).unwrap();
    let summary = laptop.store.pack_summary().unwrap();
    assert_eq!(
        (summary.county_code.as_str(), summary.version.as_str()),
        ("990001", "990001/2024-1/v1")
    );
    assert_eq!(laptop.store.pack_versions().unwrap(), ["990001/2024-1/v1"]);
    let towns: Vec<String> = laptop
        .store
        .towns()
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(towns, ["示例一镇", "示例二镇", "示例乡"]);
    let mut targets: Vec<(Option<i32>, u32)> = laptop
        .store
        .targets()
        .unwrap()
        .into_iter()
        .map(|t| (t.year, t.compounds))
        .collect();
    targets.sort();
    assert_eq!(targets, [(None, 30), (Some(2024), 12), (Some(2025), 18)]);
    assert_eq!(
        laptop.store.standards_in_force().unwrap().version,
        "990001/v1"
    );

    // A Luoning file with records of its own does not take another county's package.
    let mut luoning_office =
        crate::common::sync::Machine::new(dir.path(), "洛宁县办", Role::Office);
    crate::common::store_with_inspection(&mut luoning_office.store, "洛宁小区");
    let refused = luoning_office.receive(&everything).unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("数据包属于示例县（990001），本文件是洛宁县（410328）的"),
        "{refused}"
    );
    assert_eq!(
        luoning_office.store.pack_summary().unwrap().county_code,
        "410328"
    );
    assert_eq!(luoning_office.store.towns().unwrap().len(), 19);
}

#[test]
fn verdicts_and_excel_exports_follow_the_test_countys_pack() {
    use calamine::{Data, Reader, open_workbook_auto};
    use yanshou::export::Document;
    let dir = tempfile::tempdir().unwrap();
    let mut county = test_county_file(dir.path());
    let town = county.towns().unwrap()[0].clone();
    let mut compound = crate::common::compound("示例小区");
    compound.address = "示例一镇中心路 1 号".to_owned();
    compound.owner_unit = "示例县住建局".to_owned();
    compound.town_id = Some(town.id);
    county.save_compound(&compound).unwrap();
    let catalogue = county.standards_in_force().unwrap();
    let id = county
        .start_inspection(
            Subject::Compound(compound.id),
            catalogue,
            chrono::NaiveDate::from_ymd_opt(2026, 5, 1).unwrap(),
            "王工",
            &["建设单位".to_owned()],
        )
        .unwrap();
    // Its 12 items all 合格 make the verdict 合格: no 13th (Luoning's 路沿齐整) is waited for.
    crate::common::pass_every_item(&mut county, id);
    let inspection = county.inspection(id).unwrap();
    assert_eq!(
        county.verdict_of_round(&inspection).unwrap(),
        yanshou::model::Verdict::Passed
    );

    // The progress table reads the county's targets; the ledger names its towns.
    let write = |county: &Store, document: &Document| {
        let path = dir.path().join(
            document
                .suggested_name(county, &yanshou::model::Clock::local())
                .unwrap(),
        );
        let outcome = document.write(
            county,
            &path,
            &yanshou::model::Clock::local(),
            &yanshou::job::Progress::unobserved(),
        );
        assert!(outcome.error.is_none(), "{:?}", outcome.error);
        path
    };
    let path = write(&county, &Document::ProgressTable);
    let mut book = open_workbook_auto(&path).unwrap();
    let years: Vec<Vec<Data>> = book
        .worksheet_range("按年度")
        .unwrap()
        .rows()
        .map(<[Data]>::to_vec)
        .collect();
    let row_2025 = years
        .iter()
        .find(|r| r[0] == Data::String("2025 年".to_owned()))
        .unwrap();
    assert_eq!(
        (&row_2025[1], &row_2025[2]),
        (&Data::Float(18.0), &Data::Float(900.0))
    );
    let total = years.last().unwrap();
    assert_eq!(total[0], Data::String("2024–2026 年合计".to_owned()));
    assert_eq!(total[1], Data::Float(30.0));
    let path = write(&county, &Document::Ledger);
    let mut book = open_workbook_auto(&path).unwrap();
    let sheet = book.sheet_names()[0].clone();
    let text: String = book
        .worksheet_range(&sheet)
        .unwrap()
        .rows()
        .flat_map(|r| r.iter().map(|c| format!("{c}|")).collect::<Vec<_>>())
        .collect();
    assert!(
        text.contains("示例一镇") && text.contains("示例小区"),
        "{text}"
    );
    assert!(
        !text.contains("城关镇") && !text.contains("宁政办"),
        "{text}"
    );

    // The quarter is scored on this county's weights (50 / 25 / 25): 48 for duties passes
    // here (Luoning's 40 would refuse it), 28 for role does not.
    use yanshou::model::rhythm::{Quarter, QuarterScore, UnitKind};
    let quarter = Quarter::of(chrono::NaiveDate::from_ymd_opt(2025, 5, 1).unwrap());
    let mut score = QuarterScore {
        unit: "示例一镇人民政府".to_owned(),
        kind: Some(UnitKind::Responsible),
        duties: Some(48),
        role: Some(25),
        results: Some(20),
        ..QuarterScore::default()
    };
    county.save_quarter_score(quarter, &score).unwrap();
    let mut luoning_file = Store::open_in_memory().unwrap();
    let refused = luoning_file
        .save_quarter_score(quarter, &score)
        .unwrap_err()
        .to_string();
    assert!(refused.contains("履行职责得分 48 超过满分 40"), "{refused}");
    score.role = Some(28);
    let refused = county
        .save_quarter_score(quarter, &score)
        .unwrap_err()
        .to_string();
    assert!(refused.contains("发挥作用得分 28 超过满分 25"), "{refused}");
    let path = write(&county, &Document::QuarterEvaluation(quarter));
    let mut book = open_workbook_auto(&path).unwrap();
    let rows: Vec<Vec<Data>> = book
        .worksheet_range("考评排名")
        .unwrap()
        .rows()
        .map(<[Data]>::to_vec)
        .collect();
    let header: Vec<String> = rows[0].iter().map(ToString::to_string).collect();
    assert_eq!(
        header[3..7],
        [
            "履行职责（50）",
            "发挥作用（25）",
            "工作成效（25）",
            "工程进度（100）"
        ]
    );
    assert_eq!(rows[1][1], Data::String("示例一镇人民政府".to_owned()));
    assert_eq!(rows[1][3], Data::Float(48.0));
    assert_eq!(rows[1][7], Data::Float(93.0));
}
