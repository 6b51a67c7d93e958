//! A share of households, such as two thirds: how 居民改造意愿强烈 is read locally.

use super::Refusal;

/// A share such as two thirds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Share {
    pub numerator: u32,
    pub denominator: u32,
}

impl Default for Share {
    /// Two thirds: the reading this program started with.
    fn default() -> Self {
        Self {
            numerator: 2,
            denominator: 3,
        }
    }
}

impl Share {
    /// Whether `yes` of `total` reaches the share.
    pub fn reached(self, yes: u32, total: u32) -> bool {
        u64::from(yes) * u64::from(self.denominator) >= u64::from(total) * u64::from(self.numerator)
    }

    /// 三分之二, 四分之三, …
    pub fn label(self) -> String {
        format!(
            "{}分之{}",
            chinese_number(self.denominator),
            chinese_number(self.numerator)
        )
    }

    pub fn parse(text: &str) -> Result<Self, Refusal> {
        let bad = || {
            Refusal::new(format!(
                "“{}”不是一个比例，请写成 2/3 这样的分数。",
                text.trim()
            ))
        };
        let (a, b) = text.trim().split_once(['/', '／']).ok_or_else(bad)?;
        let numerator: u32 = a.trim().parse().map_err(|_| bad())?;
        let denominator: u32 = b.trim().parse().map_err(|_| bad())?;
        if numerator == 0 || denominator == 0 || numerator > denominator || denominator > 100 {
            return Err(Refusal::new(format!(
                "比例 {numerator}/{denominator} 不合理：应大于 0、不超过 1，分母不超过 100。"
            )));
        }
        Ok(Self {
            numerator,
            denominator,
        })
    }
}

fn chinese_number(n: u32) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => DIGITS[n as usize].to_owned(),
        10 => "十".to_owned(),
        11..=19 => format!("十{}", DIGITS[(n % 10) as usize]),
        20..=99 => format!(
            "{}十{}",
            DIGITS[(n / 10) as usize],
            if n.is_multiple_of(10) {
                ""
            } else {
                DIGITS[(n % 10) as usize]
            }
        ),
        _ => n.to_string(),
    }
}
