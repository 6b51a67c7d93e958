//! The registry of travelling tables: every table whose rows go from file to file in field
//! packages, with its Chinese name, its columns' Chinese names, and whose it is (which tells a
//! snapshot which rows to take, and a conflict which compound and which inspection round a row
//! belongs to). Change capture, the tombstone triggers, applying, snapshots, restoring and the
//! conflict screen all read this list; nothing else names a travelling table.
//!
//! A new travelling table: its migration (`.sql`), one entry here, its store file and its
//! upgrade test (`store/example_table.rs` shows it done). `tests/integration/sync_tables.rs`
//! fails until the entry is here with a label for each column.

use crate::model::merge_policy::Conflicted;

/// Whose a travelling table's rows are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Belongs {
    /// Every file has every row (towns, targets, the county's own rules).
    Everywhere,
    /// The office's own records (the training sample's left out), in whole-file snapshots
    /// only; `compound` names the column that says which compound a row is about, if any.
    Office { compound: Option<&'static str> },
    /// The row is a cluster (a town's).
    Cluster,
    /// The row is a compound (a town's).
    Compound,
    /// The row is an inspection round, of a compound or of a cluster.
    Round,
    /// A compound's rows, by this column.
    OfCompound(&'static str),
    /// A cluster's rows, by this column.
    OfCluster(&'static str),
    /// A compound's or a cluster's rows (one of the two columns is set).
    OfCompoundOrCluster {
        compound: &'static str,
        cluster: &'static str,
    },
    /// Rows of a row of another travelling table (by its `id`): a round's items, a survey's.
    Under {
        column: &'static str,
        parent: &'static str,
    },
}

/// One travelling table.
#[derive(Debug, PartialEq, Eq)]
pub struct Travelling {
    pub name: &'static str,
    /// What people call one of its rows.
    pub label: &'static str,
    pub belongs: Belongs,
    /// Every column, with what people call it.
    pub columns: &'static [(&'static str, &'static str)],
    /// Columns besides the key that no two rows share (a route's compound in a month, a unit's
    /// score in a quarter, an item's rectification): two machines can each make such a row
    /// under its own id, and the two are one (`sync/natural_keys.rs`). Empty for most.
    pub natural_key: &'static [&'static str],
}

/// Makes `TRAVELLING` of the tables listed, with the example table in the crate's own tests.
macro_rules! registry {
    ($($table:expr),* $(,)?) => {
        /// The tables whose rows travel, children before parents: the order an import applies
        /// a changeset's rows in (a child's row before its parent's sign-off locks it), and in
        /// reverse the order a snapshot is copied in.
        #[cfg(not(test))]
        pub const TRAVELLING: &[Travelling] = &[$($table),*];
        /// (In the crate's own tests, with the example table first: `store/example_table.rs`.)
        #[cfg(test)]
        pub const TRAVELLING: &[Travelling] = &[FIELD_NOTE, $($table),*];
    };
}

/// A travelling table that exists only in the crate's own tests, added the way a real one is
/// (`store/example_table.rs` has its migration, its store file and its tests). A unit test in
/// `src/` that makes a snapshot or applies a deletion must run that migration first: a snapshot
/// refuses a file that lacks a travelling table.
#[cfg(test)]
const FIELD_NOTE: Travelling = Travelling {
    name: "field_note",
    label: "现场记事",
    natural_key: &[],
    belongs: Belongs::OfCompound("compound_id"),
    columns: &[
        ("id", "编号"),
        ("compound_id", "所属小区"),
        ("text", "记事"),
        CREATED,
        UPDATED,
    ],
};

registry![
    Travelling {
        name: "action_item",
        label: "例会决定事项",
        natural_key: &[],
        belongs: Belongs::Under {
            column: "meeting_id",
            parent: "meeting",
        },
        columns: &[
            ("id", "编号"),
            ("meeting_id", "所属例会"),
            ("text", "决定事项"),
            ("owner", "责任单位"),
            ("due_on", "完成期限"),
            ("closed_on", "完成日期"),
            CREATED,
            UPDATED,
        ],
    },
    Travelling {
        name: "meeting",
        label: "周例会",
        natural_key: &[],
        belongs: Belongs::Office { compound: None },
        columns: &[
            ("id", "编号"),
            ("held_on", "会议日期"),
            ("units", "参会单位"),
            ("progress", "进展与总结"),
            SAMPLE,
            CREATED,
            UPDATED,
        ],
    },
    Travelling {
        name: "daily_report",
        label: "日报",
        natural_key: &[],
        belongs: Belongs::Office {
            compound: Some("compound_id"),
        },
        columns: &[
            ("id", "编号"),
            ("report_date", "报送日期"),
            ("unit", "单位"),
            ("unit_kind", "单位类别"),
            ("compound_id", "所属小区"),
            ("work_done", "工作开展情况"),
            ("good_practice", "好的做法"),
            ("matters", "需协调事项"),
            ("resolved_on", "办结日期"),
            ("resolution", "办结情况"),
            SAMPLE,
            CREATED,
            UPDATED,
        ],
    },
    Travelling {
        name: "observation_stop",
        label: "观摩点",
        natural_key: &["month", "compound_id"],
        belongs: Belongs::OfCompound("compound_id"),
        columns: &[
            ("id", "编号"),
            ("month", "月份"),
            ("position", "顺序"),
            ("compound_id", "所属小区"),
            ("reason", "观摩理由"),
            CREATED,
            UPDATED,
        ],
    },
    Travelling {
        name: "quarter_score",
        label: "季度考评",
        natural_key: &["year", "quarter", "unit"],
        belongs: Belongs::Office { compound: None },
        columns: &[
            ("id", "编号"),
            ("year", "年度"),
            ("quarter", "季度"),
            ("unit", "单位"),
            ("unit_kind", "单位类别"),
            ("duties", "履行职责"),
            ("role", "发挥作用"),
            ("results", "工作成效"),
            ("progress", "工程进度"),
            ("note", "备注"),
            SAMPLE,
            CREATED,
            UPDATED,
        ],
    },
    Travelling {
        name: "policy_rule",
        label: "本地规则",
        natural_key: &[],
        belongs: Belongs::Everywhere,
        columns: &[("key", "规则"), ("value", "取值"), UPDATED],
    },
    Travelling {
        name: "funding",
        label: "资金",
        natural_key: &[],
        belongs: Belongs::OfCompoundOrCluster {
            compound: "compound_id",
            cluster: "cluster_id",
        },
        columns: &[
            ("id", "编号"),
            ("compound_id", "所属小区"),
            ("cluster_id", "所属片区"),
            ("year", "年度"),
            ("source", "资金来源"),
            ("project", "配套项目"),
            ("red_line", "红线内外"),
            ("amount_fen", "金额（分）"),
            ("project_total_fen", "项目总投资（分）"),
            ("works", "建设内容"),
            ("tied", "专款专用"),
            ("note", "备注"),
            CREATED,
            UPDATED,
        ],
    },
    Travelling {
        name: "step_evidence",
        label: "进程证据",
        natural_key: &[],
        belongs: Belongs::OfCompound("compound_id"),
        columns: &[
            ("id", "编号"),
            ("compound_id", "所属小区"),
            ("step", "环节"),
            ("file_name", "文件名"),
            ("bytes", "文件内容"),
            ("sha256", "校验值"),
            ("added_at", "添加时间"),
        ],
    },
    Travelling {
        name: "programme_step",
        label: "改造进程",
        natural_key: &[],
        belongs: Belongs::OfCompound("compound_id"),
        columns: &[
            ("compound_id", "所属小区"),
            ("step", "环节"),
            ("done_on", "日期"),
            ("unit", "责任单位"),
            ("count", "数量"),
            ("note", "备注"),
            ("detail", "详情"),
            CREATED,
            UPDATED,
        ],
    },
    Travelling {
        name: "service_evaluation",
        label: "物业服务评价",
        natural_key: &[],
        belongs: Belongs::OfCompound("compound_id"),
        columns: &[
            ("id", "编号"),
            ("compound_id", "所属小区"),
            ("evaluated_on", "评价日期"),
            ("unit", "责任单位"),
            ("score", "评分"),
            ("note", "备注"),
            CREATED,
        ],
    },
    Travelling {
        name: "photo",
        label: "照片",
        natural_key: &[],
        belongs: ROUND_PART,
        columns: &[
            ("id", "编号"),
            ("inspection_id", "所属验收记录"),
            ("item_code", "验收项目"),
            ("file_name", "文件名"),
            ("taken_at", "拍摄时间"),
            ("sha256", "校验值"),
            ("width", "宽度"),
            ("height", "高度"),
            ("jpeg", "照片内容"),
            ("thumbnail", "缩略图"),
            CREATED,
        ],
    },
    Travelling {
        name: "signature",
        label: "签字",
        natural_key: &[],
        belongs: ROUND_PART,
        columns: &[
            ("inspection_id", "所属验收记录"),
            ("position", "顺序"),
            ("signer", "签字人"),
            ("wet_ink", "纸面签字"),
            ("strokes", "笔迹"),
            ("signed_at", "签字时间"),
        ],
    },
    Travelling {
        name: "inspection_party",
        label: "参加单位",
        natural_key: &[],
        belongs: ROUND_PART,
        columns: &[
            ("inspection_id", "所属验收记录"),
            ("position", "顺序"),
            ("unit", "参加单位"),
        ],
    },
    Travelling {
        name: "inspection_member",
        label: "片区成员",
        natural_key: &[],
        belongs: ROUND_PART,
        columns: &[
            ("inspection_id", "所属验收记录"),
            ("position", "顺序"),
            ("compound_id", "成员小区"),
            ("name", "名称"),
            ("status", "验收状态"),
            ("code", "验收记录编号"),
        ],
    },
    Travelling {
        name: "inspection_item",
        label: "验收项目",
        natural_key: &[],
        belongs: ROUND_PART,
        columns: &[
            ("inspection_id", "所属验收记录"),
            ("position", "顺序"),
            ("code", "项目编号"),
            ("standard_id", "验收标准"),
            ("group_name", "类别"),
            ("standard_text", "标准内容"),
            ("hint", "检查要点"),
            ("clause", "依据条款"),
            ("required", "必查"),
            ("result", "结果"),
            ("remark", "备注"),
            UPDATED,
        ],
    },
    Travelling {
        name: "rectification",
        label: "整改",
        natural_key: &["inspection_id", "item_code"],
        belongs: ROUND_PART,
        columns: &[
            ("id", "编号"),
            ("inspection_id", "所属验收记录"),
            ("item_code", "验收项目"),
            ("requirement", "整改要求"),
            ("responsible_unit", "责任单位"),
            ("deadline", "整改期限"),
            CREATED,
            UPDATED,
        ],
    },
    Travelling {
        name: "inspection",
        label: "验收记录",
        natural_key: &[],
        belongs: Belongs::Round,
        columns: &[
            ("id", "编号"),
            ("compound_id", "所属小区"),
            ("cluster_id", "所属片区"),
            ("standard_id", "验收标准"),
            ("catalogue_version", "标准版本"),
            ("inspected_on", "验收日期"),
            ("inspectors", "验收人员"),
            CREATED,
            UPDATED,
            ("signed_off_at", "签字确认时间"),
            ("seal", "校验码"),
            ("parent_id", "上一轮验收"),
            ("round", "轮次"),
            ("kind", "验收类别"),
            ("reason", "原因"),
            ("seal_version", "校验码版本"),
            ("sealed_header", "封存的表头"),
            ("sealed_by", "签章设备"),
            ("seal_key", "签章公钥"),
            ("seal_signature", "设备签章"),
            ("pack_version", "政策包版本"),
        ],
    },
    Travelling {
        name: "survey_item",
        label: "调查项目",
        natural_key: &[],
        belongs: Belongs::Under {
            column: "survey_id",
            parent: "survey",
        },
        columns: &[
            ("survey_id", "所属调查"),
            ("code", "项目编号"),
            ("position", "顺序"),
            ("condition", "现状"),
            ("problems", "存在问题"),
            ("other_problem", "其他问题"),
            ("note", "备注"),
            UPDATED,
        ],
    },
    Travelling {
        name: "survey",
        label: "调查",
        natural_key: &[],
        belongs: Belongs::OfCompound("compound_id"),
        columns: &[
            ("id", "编号"),
            ("compound_id", "所属小区"),
            ("round", "轮次"),
            ("surveyed_on", "调查日期"),
            ("surveyors", "调查人"),
            ("catalogue_version", "调查表版本"),
            ("floors", "层数"),
            ("floor_area", "建筑面积"),
            ("management_mode", "管理方式"),
            ("structural_safety", "房屋结构安全"),
            ("demolition_suitable", "是否适宜拆除重建"),
            ("households_in_favour", "同意改造户数"),
            ("willingness_method", "征集方式"),
            CREATED,
            UPDATED,
            ("pack_version", "政策包版本"),
        ],
    },
    Travelling {
        name: "cluster_facility",
        label: "片区设施",
        natural_key: &[],
        belongs: Belongs::Under {
            column: "survey_id",
            parent: "cluster_survey",
        },
        columns: &[
            ("survey_id", "所属片区调查"),
            ("code", "项目编号"),
            ("position", "顺序"),
            ("kind", "设施类别"),
            ("present", "是否具备"),
            ("name", "名称"),
            ("walking_minutes", "步行分钟"),
            UPDATED,
        ],
    },
    Travelling {
        name: "cluster_survey",
        label: "片区调查",
        natural_key: &[],
        belongs: Belongs::OfCluster("cluster_id"),
        columns: &[
            ("id", "编号"),
            ("cluster_id", "所属片区"),
            ("surveyed_on", "调查日期"),
            ("surveyors", "调查人"),
            CREATED,
            UPDATED,
        ],
    },
    Travelling {
        name: "compound",
        label: "小区",
        natural_key: &[],
        belongs: Belongs::Compound,
        columns: &[
            ("id", "编号"),
            ("name", "名称"),
            ("address", "地址"),
            ("town_id", "所属乡镇"),
            ("owner_unit", "产权单位"),
            ("year_built", "建成年份"),
            ("buildings", "楼栋数"),
            ("households", "户数"),
            ("cluster_id", "所属片区"),
            SAMPLE,
            CREATED,
            UPDATED,
        ],
    },
    Travelling {
        name: "cluster",
        label: "片区",
        natural_key: &[],
        belongs: Belongs::Cluster,
        columns: &[
            ("id", "编号"),
            ("name", "名称"),
            ("town_id", "所属乡镇"),
            ("plan_year", "计划年度"),
            CREATED,
            UPDATED,
        ],
    },
    Travelling {
        name: "policy_pack",
        label: "政策包",
        natural_key: &[],
        belongs: Belongs::Everywhere,
        columns: &[
            ("version", "版本"),
            ("county_code", "行政区划代码"),
            ("county_name", "县名"),
            ("plan_number", "文号"),
            ("revision", "修订次序"),
            ("files", "文件"),
        ],
    },
    Travelling {
        name: "town",
        label: "乡镇",
        natural_key: &[],
        belongs: Belongs::Everywhere,
        columns: &[("id", "编号"), ("name", "名称"), CREATED, UPDATED],
    },
    Travelling {
        name: "target",
        label: "目标任务",
        natural_key: &[],
        belongs: Belongs::Everywhere,
        columns: &[
            ("id", "编号"),
            ("version", "版本"),
            ("year", "年度"),
            ("first_year", "起始年度"),
            ("last_year", "截止年度"),
            ("compounds", "小区数"),
            ("households", "户数"),
            ("clusters", "片区数"),
            ("source", "来源"),
            CREATED,
        ],
    },
];

/// The tables that are the file's own bookkeeping and never travel as rows.
pub const BOOKKEEPING: &[&str] = &[
    "change_log",
    "conflict",
    "device",
    "duplicate",
    "known_device",
    "package_log",
    "peer",
    "photo_bytes",
    "resolution_stamp",
    "seal_log",
    "tombstone",
];

const CREATED: (&str, &str) = ("created_at", "创建时间");
const UPDATED: (&str, &str) = ("updated_at", "修改时间");
const SAMPLE: (&str, &str) = ("is_sample", "示例数据");
const ROUND_PART: Belongs = Belongs::Under {
    column: "inspection_id",
    parent: "inspection",
};

/// The travelling table named `name`.
pub(crate) fn find(name: &str) -> Option<&'static Travelling> {
    TRAVELLING.iter().find(|t| t.name == name)
}

/// Where `name` stands in the apply order (children first); `None` if it does not travel.
pub(crate) fn rank(name: &str) -> Option<usize> {
    TRAVELLING.iter().position(|t| t.name == name)
}

/// Whether rows of `name` travel.
pub(crate) fn travels(name: &str) -> bool {
    rank(name).is_some()
}

/// The tables whose rows belong to an inspection round (by `inspection_id`).
pub(crate) fn round_parts() -> impl Iterator<Item = &'static Travelling> {
    TRAVELLING.iter().filter(|t| t.belongs == ROUND_PART)
}

/// What the conflict screen calls what a conflict on a row of `table` is about.
pub(crate) fn conflict_label(table: &str, about: &Conflicted) -> String {
    match about {
        Conflicted::DeletedHere | Conflicted::DeletedThere => "整条记录".to_owned(),
        // A conflict row names its table and column as this program wrote them.
        Conflicted::Field(column) => find(table)
            .and_then(|t| t.column_label(column))
            .unwrap_or(column)
            .to_owned(),
    }
}

impl Travelling {
    /// What people call `column` of this table (`None` for a column it does not have).
    pub fn column_label(&self, column: &str) -> Option<&'static str> {
        self.columns
            .iter()
            .find(|(name, _)| *name == column)
            .map(|(_, label)| *label)
    }

    /// The column of a row that names its compound, if the row says so itself.
    pub fn compound_column(&self) -> Option<&'static str> {
        match self.belongs {
            Belongs::Compound => Some("id"),
            Belongs::Round => Some("compound_id"),
            Belongs::OfCompound(column) => Some(column),
            Belongs::OfCompoundOrCluster { compound, .. } => Some(compound),
            Belongs::Office { compound } => compound,
            Belongs::Everywhere
            | Belongs::Cluster
            | Belongs::OfCluster(_)
            | Belongs::Under { .. } => None,
        }
    }

    /// The column of a row that names its inspection round: its own id for a round.
    pub fn inspection_column(&self) -> Option<&'static str> {
        match self.belongs {
            Belongs::Round => Some("id"),
            Belongs::Under { column, parent } => find(parent)
                .is_some_and(|p| p.belongs == Belongs::Round)
                .then_some(column),
            Belongs::Everywhere
            | Belongs::Office { .. }
            | Belongs::Cluster
            | Belongs::Compound
            | Belongs::OfCompound(_)
            | Belongs::OfCluster(_)
            | Belongs::OfCompoundOrCluster { .. } => None,
        }
    }

    /// Whether a compound's own rows (its surveys, rounds, steps …) are in this table.
    pub fn holds_compound_rows(&self) -> bool {
        match self.belongs {
            Belongs::OfCompound(_) | Belongs::Round | Belongs::OfCompoundOrCluster { .. } => true,
            Belongs::Under { parent, .. } => find(parent).is_some_and(|p| p.holds_compound_rows()),
            Belongs::Everywhere
            | Belongs::Office { .. }
            | Belongs::Cluster
            | Belongs::Compound
            | Belongs::OfCluster(_) => false,
        }
    }
}
