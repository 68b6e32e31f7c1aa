//! Condition operators: parsed and compiled once per policy, then tested against request context.
//!
//! Reference: <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>
//! and, for sets, <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html>.

use crate::policy::ConditionValue;

use super::pattern::{Pattern, Resolve};
use super::request::{Request, ValueRef};
use super::values::{Decimal, Network, parse_date, parse_number};

/// How a condition treats multivalued keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SetMode {
    /// No qualifier: the key must have a single value.
    Single,
    /// `ForAnyValue:`: at least one request value satisfies the operator; false when empty or missing.
    AnyValue,
    /// `ForAllValues:`: every request value satisfies the operator; true when empty or missing.
    AllValues,
}

/// Comparison of numbers and dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Comparison {
    Equals,
    LessThan,
    LessThanEquals,
    GreaterThan,
    GreaterThanEquals,
}

impl Comparison {
    fn test<T: PartialOrd>(self, request: T, policy: T) -> bool {
        match self {
            Self::Equals => request == policy,
            Self::LessThan => request < policy,
            Self::LessThanEquals => request <= policy,
            Self::GreaterThan => request > policy,
            Self::GreaterThanEquals => request >= policy,
        }
    }
}

/// The operator family with its compiled policy values.
#[derive(Debug, Clone)]
enum Test {
    /// `StringEquals` (exact) or `StringLike` (wildcards), or `StringEqualsIgnoreCase`.
    String {
        patterns: Vec<Pattern>,
        ignore_case: bool,
    },
    /// `Numeric*`: compared exactly as decimals, never as binary floats.
    Number {
        comparison: Comparison,
        values: Vec<Decimal>,
    },
    /// `Date*`: milliseconds since the epoch. A value that is not a valid date (an impossible
    /// calendar date such as `2024-02-31` included) is a policy error when written in the policy
    /// and matches nothing when sent in the request: AWS requires date values in "one of the W3C
    /// implementations of the ISO 8601 date formats" or epoch time
    /// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Date>).
    Date {
        comparison: Comparison,
        values: Vec<i64>,
    },
    Bool {
        values: Vec<String>,
    },
    Binary {
        values: Vec<String>,
    },
    Ip {
        networks: Vec<Network>,
    },
    /// `ArnEquals`/`ArnLike`: both match field by field with wildcards.
    Arn {
        patterns: Vec<ArnPattern>,
    },
    /// `Null`: `true` means the key must be absent.
    Null {
        absent: Vec<bool>,
    },
}

/// An ARN pattern split into its six fields; wildcards do not cross the first five `:`.
#[derive(Debug, Clone)]
pub(crate) struct ArnPattern {
    fields: Vec<Pattern>,
}

impl ArnPattern {
    /// Compiles an ARN pattern; patterns with fewer than six fields are padded with `*`.
    pub(crate) fn compile(text: &str, variables: bool) -> Result<Self, String> {
        if text == "*" {
            return Ok(Self { fields: vec![Pattern::compile("*", false, false)?] });
        }
        let mut parts: Vec<&str> = text.splitn(6, ':').collect();
        while parts.len() < 6 {
            parts.push("*");
        }
        let fields = parts.iter().map(|p| Pattern::compile(p, false, variables)).collect::<Result<Vec<_>, _>>()?;
        Ok(Self { fields })
    }

    /// Matches an ARN (or, for `*`, anything).
    pub(crate) fn matches(&self, value: &str, resolve: &dyn Resolve) -> bool {
        if self.fields.len() == 1 {
            return self.fields[0].matches(value, resolve);
        }
        let mut parts = value.splitn(6, ':');
        for field in &self.fields {
            let Some(part) = parts.next() else {
                return false;
            };
            if !field.matches(part, resolve) {
                return false;
            }
        }
        true
    }
}

/// One compiled condition: operator, key and values.
#[derive(Debug, Clone)]
pub(crate) struct Condition {
    /// The operator as written, for explanations.
    pub(crate) operator: String,
    /// The key as written.
    pub(crate) key_written: String,
    /// The key, lowercased.
    key: String,
    set: SetMode,
    if_exists: bool,
    negated: bool,
    test: Test,
}

/// The outcome of one condition, for explanations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionOutcome {
    /// The operator as written.
    pub operator: String,
    /// The key as written.
    pub key: String,
    /// Whether it held.
    pub held: bool,
}

impl Condition {
    /// Compiles `operator: { key: values }`; `variables` is whether policy variables apply.
    pub(crate) fn compile(
        operator: &str,
        key: &str,
        values: &[ConditionValue],
        variables: bool,
    ) -> Result<Self, String> {
        let (set, rest) = if let Some(rest) = strip_prefix_ignore_case(operator, "ForAnyValue:") {
            (SetMode::AnyValue, rest)
        } else if let Some(rest) = strip_prefix_ignore_case(operator, "ForAllValues:") {
            (SetMode::AllValues, rest)
        } else {
            (SetMode::Single, operator)
        };
        let (base, if_exists) = match rest.len().checked_sub("IfExists".len()) {
            Some(cut) if rest.is_char_boundary(cut) && rest[cut..].eq_ignore_ascii_case("IfExists") => {
                (&rest[..cut], true)
            }
            _ => (rest, false),
        };
        let base_lower = base.to_ascii_lowercase();
        if values.is_empty() {
            return Err(format!("condition `{operator}` on `{key}` has no values"));
        }
        let strings: Vec<String> = values.iter().map(|v| v.as_string().into_owned()).collect();
        let bad = |what: &str, v: &str| format!("condition `{operator}` on `{key}`: `{v}` is not {what}");
        let string_patterns = |like: bool, ignore_case: bool| -> Result<Vec<Pattern>, String> {
            strings
                .iter()
                .map(|s| {
                    if like {
                        Pattern::compile(s, false, variables)
                    } else {
                        Pattern::compile_exact(s, ignore_case, variables)
                    }
                })
                .collect()
        };
        let numbers = || -> Result<Vec<Decimal>, String> {
            strings.iter().map(|s| parse_number(s).ok_or_else(|| bad("a number", s))).collect()
        };
        let dates = || -> Result<Vec<i64>, String> {
            strings.iter().map(|s| parse_date(s).ok_or_else(|| bad("a date (ISO 8601 or epoch seconds)", s))).collect()
        };
        let (negated, test) = match base_lower.as_str() {
            "stringequals" => (false, Test::String { patterns: string_patterns(false, false)?, ignore_case: false }),
            "stringnotequals" => (true, Test::String { patterns: string_patterns(false, false)?, ignore_case: false }),
            "stringequalsignorecase" => {
                (false, Test::String { patterns: string_patterns(false, true)?, ignore_case: true })
            }
            "stringnotequalsignorecase" => {
                (true, Test::String { patterns: string_patterns(false, true)?, ignore_case: true })
            }
            "stringlike" => (false, Test::String { patterns: string_patterns(true, false)?, ignore_case: false }),
            "stringnotlike" => (true, Test::String { patterns: string_patterns(true, false)?, ignore_case: false }),
            "numericequals" => (false, Test::Number { comparison: Comparison::Equals, values: numbers()? }),
            "numericnotequals" => (true, Test::Number { comparison: Comparison::Equals, values: numbers()? }),
            "numericlessthan" => (false, Test::Number { comparison: Comparison::LessThan, values: numbers()? }),
            "numericlessthanequals" => {
                (false, Test::Number { comparison: Comparison::LessThanEquals, values: numbers()? })
            }
            "numericgreaterthan" => (false, Test::Number { comparison: Comparison::GreaterThan, values: numbers()? }),
            "numericgreaterthanequals" => {
                (false, Test::Number { comparison: Comparison::GreaterThanEquals, values: numbers()? })
            }
            "dateequals" => (false, Test::Date { comparison: Comparison::Equals, values: dates()? }),
            "datenotequals" => (true, Test::Date { comparison: Comparison::Equals, values: dates()? }),
            "datelessthan" => (false, Test::Date { comparison: Comparison::LessThan, values: dates()? }),
            "datelessthanequals" => (false, Test::Date { comparison: Comparison::LessThanEquals, values: dates()? }),
            "dategreaterthan" => (false, Test::Date { comparison: Comparison::GreaterThan, values: dates()? }),
            "dategreaterthanequals" => {
                (false, Test::Date { comparison: Comparison::GreaterThanEquals, values: dates()? })
            }
            "bool" => (false, Test::Bool { values: strings.iter().map(|s| s.to_ascii_lowercase()).collect() }),
            "binaryequals" => (false, Test::Binary { values: strings.clone() }),
            "ipaddress" | "notipaddress" => {
                let networks = strings
                    .iter()
                    .map(|s| Network::parse(s).ok_or_else(|| bad("an IP address or CIDR", s)))
                    .collect::<Result<Vec<_>, _>>()?;
                (base_lower == "notipaddress", Test::Ip { networks })
            }
            "arnequals" | "arnlike" | "arnnotequals" | "arnnotlike" => {
                let patterns =
                    strings.iter().map(|s| ArnPattern::compile(s, variables)).collect::<Result<Vec<_>, _>>()?;
                (base_lower.starts_with("arnnot"), Test::Arn { patterns })
            }
            "null" => {
                if set != SetMode::Single || if_exists {
                    return Err(format!(
                        "`{operator}` is not valid: `Null` takes no `ForAnyValue:`, `ForAllValues:` or `IfExists`"
                    ));
                }
                let absent = strings
                    .iter()
                    .map(|s| match s.to_ascii_lowercase().as_str() {
                        "true" => Ok(true),
                        "false" => Ok(false),
                        _ => Err(bad("`true` or `false`", s)),
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                (false, Test::Null { absent })
            }
            _ => return Err(format!("unknown condition operator `{operator}`")),
        };
        Ok(Self {
            operator: operator.to_owned(),
            key_written: key.to_owned(),
            key: key.to_ascii_lowercase(),
            set,
            if_exists,
            negated,
            test,
        })
    }

    /// Whether the condition holds for `request`.
    pub(crate) fn holds(&self, request: &Request) -> bool {
        let value = request.context_value(&self.key);
        if let Test::Null { absent } = &self.test {
            let is_absent = matches!(value, None | Some(ValueRef::Many([])));
            return absent.contains(&is_absent);
        }
        match self.set {
            SetMode::Single => match value {
                None => self.if_exists || self.negated,
                // A multivalued key needs a set operator; a plain operator never matches it.
                Some(ValueRef::Many(_)) => false,
                Some(ValueRef::One(one)) => self.one_value(one, request),
            },
            SetMode::AnyValue => match value {
                None => self.if_exists,
                Some(ValueRef::One(one)) => self.one_value(one, request),
                Some(ValueRef::Many(values)) => values.iter().any(|one| self.one_value(one, request)),
            },
            SetMode::AllValues => match value {
                None => true,
                Some(ValueRef::One(one)) => self.one_value(one, request),
                Some(ValueRef::Many(values)) => values.iter().all(|one| self.one_value(one, request)),
            },
        }
    }

    /// The base operator applied to one request value: any policy value matches (negated: none does).
    fn one_value(&self, value: &str, request: &Request) -> bool {
        let any = match &self.test {
            Test::String { patterns, ignore_case } => {
                if *ignore_case {
                    let lower = value.to_ascii_lowercase();
                    patterns.iter().any(|p| p.matches(&lower, request))
                } else {
                    patterns.iter().any(|p| p.matches(value, request))
                }
            }
            Test::Number { comparison, values } => match parse_number(value) {
                Some(n) => values.iter().any(|p| comparison.test(&n, p)),
                None => return false,
            },
            Test::Date { comparison, values } => match parse_date(value) {
                Some(d) => values.iter().any(|p| comparison.test(d, *p)),
                None => return false,
            },
            Test::Bool { values } => {
                let lower = value.to_ascii_lowercase();
                values.contains(&lower)
            }
            Test::Binary { values } => values.iter().any(|p| p == value),
            Test::Ip { networks } => match Network::parse(value) {
                Some(ip) => networks.iter().any(|n| n.contains(&ip)),
                None => return false,
            },
            Test::Arn { patterns } => {
                if value.splitn(6, ':').count() < 6 {
                    return false;
                }
                patterns.iter().any(|p| p.matches(value, request))
            }
            Test::Null { .. } => false,
        };
        any != self.negated
    }

    /// The outcome for explanations.
    pub(crate) fn outcome(&self, request: &Request) -> ConditionOutcome {
        ConditionOutcome { operator: self.operator.clone(), key: self.key_written.clone(), held: self.holds(request) }
    }
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &text[prefix.len()..])
}

/// Policy variables resolve against the request context (including derived keys).
impl Resolve for Request {
    fn resolve(&self, key: &str) -> Option<std::borrow::Cow<'_, str>> {
        match self.context_value(key)? {
            ValueRef::One(v) => Some(v.into()),
            ValueRef::Many(_) => None,
        }
    }
}
