//! A small recursive-descent parser and evaluator for arithmetic expressions.
//!
//! Grammar (whitespace is ignored between tokens):
//!
//! ```text
//! expr    := term (('+' | '-') term)*
//! term    := unary (('*' | '/' | '%') unary)*
//! unary   := ('-' | '+') unary | power
//! power   := primary ('^' unary)?          // right-associative, binds tighter than unary minus
//! primary := number | constant | function '(' expr ')' | '(' expr ')'
//! number  := digits ['.' digits] [('e' | 'E') ['+' | '-'] digits]  |  '.' digits ...
//! ```
//!
//! So `-2^2` is `-4`, `2^3^2` is `2^9 = 512` and `2*(3+4)^2` is `98`.
//! Constants: `pi`, `e`. Functions: `sqrt`, `abs`, `ln`, `log10`, `log2`, `exp`,
//! `round`, `floor`, `ceil`, `sin`, `cos`, `tan`.

use std::fmt;

/// Longest expression (in bytes) accepted by [`evaluate`].
pub const MAX_EXPRESSION_LEN: usize = 10_000;

/// Deepest nesting of parentheses / unary operators / exponents accepted by [`evaluate`].
///
/// The parser is recursive; bounding the depth keeps hostile input from exhausting the stack.
pub const MAX_DEPTH: usize = 200;

/// Names of the functions [`evaluate`] understands.
pub const FUNCTIONS: &[&str] = &[
    "sqrt", "abs", "ln", "log10", "log2", "exp", "round", "floor", "ceil", "sin", "cos", "tan",
];

/// Why an expression could not be evaluated.
#[derive(Debug, Clone, PartialEq)]
pub enum EvalError {
    /// The input is empty (or only whitespace).
    Empty,
    /// The input is longer than [`MAX_EXPRESSION_LEN`] bytes.
    TooLong {
        /// Length of the rejected input in bytes.
        len: usize,
    },
    /// The input is not a well-formed expression.
    Syntax {
        /// Byte offset in the input where the problem was found.
        position: usize,
        /// What was expected or found.
        message: String,
    },
    /// An identifier that is neither a known constant nor a known function.
    UnknownIdentifier {
        /// The identifier as written.
        name: String,
        /// Byte offset in the input.
        position: usize,
    },
    /// A division or remainder by zero.
    DivisionByZero {
        /// Byte offset of the operator in the input.
        position: usize,
    },
    /// A function was applied outside its domain, e.g. `sqrt(-1)` or `ln(0)`.
    Domain {
        /// The function name.
        function: &'static str,
        /// The offending argument.
        argument: f64,
    },
    /// The result (or an intermediate value) is infinite or not a number.
    NotFinite,
    /// Nesting deeper than [`MAX_DEPTH`].
    TooDeep,
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EvalError::Empty => write!(f, "the expression is empty"),
            EvalError::TooLong { len } => write!(
                f,
                "the expression is {len} bytes long; the limit is {MAX_EXPRESSION_LEN}"
            ),
            EvalError::Syntax { position, message } => {
                write!(f, "syntax error at position {position}: {message}")
            }
            EvalError::UnknownIdentifier { name, position } => write!(
                f,
                "unknown name '{name}' at position {position}; constants: pi, e; functions: {}",
                FUNCTIONS.join(", ")
            ),
            EvalError::DivisionByZero { position } => {
                write!(f, "division by zero (operator at position {position})")
            }
            EvalError::Domain { function, argument } => {
                write!(f, "{function}({argument}) is undefined")
            }
            EvalError::NotFinite => write!(f, "the result is not a finite number (overflow)"),
            EvalError::TooDeep => write!(
                f,
                "the expression is nested too deeply (limit {MAX_DEPTH} levels)"
            ),
        }
    }
}

impl std::error::Error for EvalError {}

/// Parses and evaluates an arithmetic expression such as `"2*(3+4)^2"` or `"sqrt(2) / 2"`.
///
/// See the [module documentation](self) for the grammar. Every intermediate value must be
/// finite: overflow, division by zero and domain errors are reported as [`EvalError`]s.
pub fn evaluate(input: &str) -> Result<f64, EvalError> {
    if input.len() > MAX_EXPRESSION_LEN {
        return Err(EvalError::TooLong { len: input.len() });
    }
    if input.trim().is_empty() {
        return Err(EvalError::Empty);
    }
    let mut parser = Parser {
        src: input.as_bytes(),
        input,
        pos: 0,
        depth: 0,
    };
    let value = parser.expr()?;
    parser.skip_ws();
    if let Some(c) = parser.peek() {
        return Err(parser.syntax(format!("unexpected '{}'", c as char)));
    }
    finite(value)
}

fn finite(value: f64) -> Result<f64, EvalError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(EvalError::NotFinite)
    }
}

struct Parser<'a> {
    src: &'a [u8],
    input: &'a str,
    pos: usize,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }

    /// Skips whitespace, then consumes `c` if it is next.
    fn eat(&mut self, c: u8) -> bool {
        self.skip_ws();
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn syntax(&self, message: impl Into<String>) -> EvalError {
        EvalError::Syntax {
            position: self.pos,
            message: message.into(),
        }
    }

    fn enter(&mut self) -> Result<(), EvalError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            Err(EvalError::TooDeep)
        } else {
            Ok(())
        }
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    fn expr(&mut self) -> Result<f64, EvalError> {
        let mut value = self.term()?;
        loop {
            if self.eat(b'+') {
                value = finite(value + self.term()?)?;
            } else if self.eat(b'-') {
                value = finite(value - self.term()?)?;
            } else {
                return Ok(value);
            }
        }
    }

    fn term(&mut self) -> Result<f64, EvalError> {
        let mut value = self.unary()?;
        loop {
            self.skip_ws();
            let op_pos = self.pos;
            if self.eat(b'*') {
                value = finite(value * self.unary()?)?;
            } else if self.eat(b'/') {
                let rhs = self.unary()?;
                if rhs == 0.0 {
                    return Err(EvalError::DivisionByZero { position: op_pos });
                }
                value = finite(value / rhs)?;
            } else if self.eat(b'%') {
                let rhs = self.unary()?;
                if rhs == 0.0 {
                    return Err(EvalError::DivisionByZero { position: op_pos });
                }
                value = finite(value % rhs)?;
            } else {
                return Ok(value);
            }
        }
    }

    fn unary(&mut self) -> Result<f64, EvalError> {
        self.enter()?;
        let result = if self.eat(b'-') {
            self.unary().map(|v| -v)
        } else if self.eat(b'+') {
            self.unary()
        } else {
            self.power()
        };
        self.leave();
        result
    }

    fn power(&mut self) -> Result<f64, EvalError> {
        let base = self.primary()?;
        if self.eat(b'^') {
            let exponent = self.unary()?;
            if base == 0.0 && exponent < 0.0 {
                return Err(EvalError::DivisionByZero { position: self.pos });
            }
            let value = base.powf(exponent);
            if value.is_nan() {
                return Err(EvalError::Domain {
                    function: "pow",
                    argument: exponent,
                });
            }
            finite(value)
        } else {
            Ok(base)
        }
    }

    fn primary(&mut self) -> Result<f64, EvalError> {
        self.skip_ws();
        match self.peek() {
            None => Err(self.syntax("unexpected end of expression, expected a number")),
            Some(b'(') => {
                self.pos += 1;
                self.enter()?;
                let value = self.expr()?;
                self.leave();
                if !self.eat(b')') {
                    return Err(self.syntax("expected ')'"));
                }
                Ok(value)
            }
            Some(c) if c.is_ascii_digit() || c == b'.' => self.number(),
            Some(c) if c.is_ascii_alphabetic() || c == b'_' => self.identifier(),
            Some(c) => Err(self.syntax(format!("unexpected '{}'", self.char_at(c)))),
        }
    }

    /// The (possibly multi-byte) character starting at the current position.
    fn char_at(&self, byte: u8) -> char {
        self.input
            .get(self.pos..)
            .and_then(|rest| rest.chars().next())
            .unwrap_or(byte as char)
    }

    fn number(&mut self) -> Result<f64, EvalError> {
        let start = self.pos;
        let digits = |p: &mut Self| {
            let from = p.pos;
            while p.peek().is_some_and(|c| c.is_ascii_digit()) {
                p.pos += 1;
            }
            p.pos - from
        };
        let mut count = digits(self);
        if self.peek() == Some(b'.') {
            self.pos += 1;
            count += digits(self);
        }
        if count == 0 {
            self.pos = start;
            return Err(self.syntax("expected a number"));
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            // Only an exponent if digits follow; otherwise leave `e` for the caller
            // (which will then report it as unexpected).
            let save = self.pos;
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if digits(self) == 0 {
                self.pos = save;
            }
        }
        let text = self.input.get(start..self.pos).unwrap_or_default();
        text.parse::<f64>().map_err(|_| EvalError::Syntax {
            position: start,
            message: format!("invalid number '{text}'"),
        })
    }

    fn identifier(&mut self) -> Result<f64, EvalError> {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_')
        {
            self.pos += 1;
        }
        let name = self
            .input
            .get(start..self.pos)
            .unwrap_or_default()
            .to_ascii_lowercase();
        match name.as_str() {
            "pi" => return Ok(std::f64::consts::PI),
            "e" => return Ok(std::f64::consts::E),
            _ => {}
        }
        let Some(function) = FUNCTIONS.iter().copied().find(|f| *f == name) else {
            return Err(EvalError::UnknownIdentifier {
                name,
                position: start,
            });
        };
        if !self.eat(b'(') {
            return Err(self.syntax(format!("expected '(' after function '{function}'")));
        }
        self.enter()?;
        let argument = self.expr()?;
        self.leave();
        if !self.eat(b')') {
            return Err(self.syntax(format!("expected ')' to close '{function}('")));
        }
        apply(function, argument)
    }
}

fn apply(function: &'static str, x: f64) -> Result<f64, EvalError> {
    let domain = || EvalError::Domain {
        function,
        argument: x,
    };
    let value = match function {
        "sqrt" if x < 0.0 => return Err(domain()),
        "sqrt" => x.sqrt(),
        "abs" => x.abs(),
        "ln" | "log10" | "log2" if x <= 0.0 => return Err(domain()),
        "ln" => x.ln(),
        "log10" => x.log10(),
        "log2" => x.log2(),
        "exp" => x.exp(),
        "round" => x.round(),
        "floor" => x.floor(),
        "ceil" => x.ceil(),
        "sin" => x.sin(),
        "cos" => x.cos(),
        "tan" => x.tan(),
        _ => return Err(domain()),
    };
    finite(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(expr: &str) -> f64 {
        match evaluate(expr) {
            Ok(v) => v,
            Err(e) => panic!("{expr}: {e}"),
        }
    }

    #[test]
    fn precedence_and_associativity() {
        assert_eq!(ok("2*(3+4)^2"), 98.0);
        assert_eq!(ok("1 + 2 * 3"), 7.0);
        assert_eq!(ok("(1 + 2) * 3"), 9.0);
        assert_eq!(ok("10 - 4 - 3"), 3.0);
        assert_eq!(ok("64 / 4 / 2"), 8.0);
        assert_eq!(ok("2^3^2"), 512.0);
        assert_eq!(ok("-2^2"), -4.0);
        assert_eq!(ok("(-2)^2"), 4.0);
        assert_eq!(ok("2^-1"), 0.5);
        assert_eq!(ok("--3"), 3.0);
        assert_eq!(ok("7 % 4"), 3.0);
        assert_eq!(ok(" 1.5e3 + .5 "), 1500.5);
    }

    #[test]
    fn functions_and_constants() {
        assert_eq!(ok("sqrt(16) + abs(-3)"), 7.0);
        assert_eq!(ok("round(2.5)"), 3.0);
        assert_eq!(ok("ln(e)"), 1.0);
        assert!((ok("PI") - std::f64::consts::PI).abs() < 1e-12);
        assert_eq!(ok("floor(-1.5) + ceil(1.2)"), 0.0);
    }

    #[test]
    fn errors() {
        assert!(matches!(
            evaluate("1/0"),
            Err(EvalError::DivisionByZero { position: 1 })
        ));
        assert!(matches!(
            evaluate("1/(2-2)"),
            Err(EvalError::DivisionByZero { .. })
        ));
        assert!(matches!(
            evaluate("0^-1"),
            Err(EvalError::DivisionByZero { .. })
        ));
        assert!(matches!(evaluate("1 +"), Err(EvalError::Syntax { .. })));
        assert!(matches!(evaluate("(1"), Err(EvalError::Syntax { .. })));
        assert!(matches!(
            evaluate("1 2"),
            Err(EvalError::Syntax { position: 2, .. })
        ));
        assert!(matches!(evaluate("2 é"), Err(EvalError::Syntax { .. })));
        assert!(matches!(
            evaluate("foo(1)"),
            Err(EvalError::UnknownIdentifier { .. })
        ));
        assert!(matches!(
            evaluate("sqrt(-1)"),
            Err(EvalError::Domain { .. })
        ));
        assert!(matches!(evaluate("ln(0)"), Err(EvalError::Domain { .. })));
        assert!(matches!(
            evaluate("(-8)^0.5"),
            Err(EvalError::Domain { .. })
        ));
        assert!(matches!(evaluate("10^400"), Err(EvalError::NotFinite)));
        assert!(matches!(evaluate("   "), Err(EvalError::Empty)));
        assert!(matches!(
            evaluate(&"(".repeat(5000)),
            Err(EvalError::TooDeep)
        ));
        assert!(matches!(
            evaluate(&"-".repeat(5000)),
            Err(EvalError::TooDeep)
        ));
        assert!(matches!(
            evaluate(&"1+".repeat(6000)),
            Err(EvalError::TooLong { .. })
        ));
    }
}
