//! Buttons and menu entries that send a `Command`: the text, tooltip and shortcut come from
//! the command itself, so every button for a command reads and behaves the same.

use eframe::egui;

use crate::command::Command;

/// The text of a command's first shortcut, as this platform writes it ("Ctrl+P"); "" if none.
pub fn shortcut_text(ctx: &egui::Context, command: &Command) -> String {
    command
        .kb_shortcuts()
        .first()
        .map(|s| ctx.format_shortcut(s))
        .unwrap_or_default()
}

/// A button that sends `command` when clicked.
#[derive(Debug)]
#[must_use = "call .show(ui, commands)"]
pub struct CommandButton {
    command: Command,
    text: Option<egui::WidgetText>,
    accessible_name: Option<String>,
    enabled: bool,
    selected: Option<bool>,
    min_size: egui::Vec2,
    small: bool,
    link: bool,
    fill: Option<egui::Color32>,
    hint: Option<String>,
}

impl CommandButton {
    pub fn new(command: Command) -> Self {
        Self {
            command,
            text: None,
            accessible_name: None,
            enabled: true,
            selected: None,
            min_size: egui::Vec2::ZERO,
            small: false,
            link: false,
            fill: None,
            hint: None,
        }
    }

    /// Text other than the command's label (e.g. "开始新一轮调查").
    pub fn text(mut self, text: impl Into<egui::WidgetText>) -> Self {
        self.text = Some(text.into());
        self
    }

    /// The name screen readers and tests find it by, when the text alone is ambiguous
    /// (e.g. "打开 县水利局家属院" for a row's "打开").
    pub fn accessible_name(mut self, name: impl Into<String>) -> Self {
        self.accessible_name = Some(name.into());
        self
    }

    pub fn enabled(mut self, enabled: bool) -> Self {
        self.enabled = enabled;
        self
    }

    /// A toggle: drawn selected or not (clicking sends the command either way).
    pub fn selected(mut self, selected: bool) -> Self {
        self.selected = Some(selected);
        self
    }

    pub fn min_size(mut self, size: egui::Vec2) -> Self {
        self.min_size = size;
        self
    }

    pub fn small(mut self) -> Self {
        self.small = true;
        self
    }

    /// A background colour (a chosen result).
    pub fn fill(mut self, fill: egui::Color32) -> Self {
        self.fill = Some(fill);
        self
    }

    /// Hover text of its own, shown after the command's tooltip.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Drawn as a hyperlink (navigation inside a table or a sentence).
    pub fn link(mut self) -> Self {
        self.link = true;
        self
    }

    /// Draws it; a click queues the command.
    pub fn show(self, ui: &mut egui::Ui, commands: &mut Vec<Command>) -> egui::Response {
        let text = self.text.unwrap_or_else(|| self.command.label().into());
        let mut response = if self.link {
            ui.add_enabled(self.enabled, egui::Link::new(text))
        } else {
            let mut button = match self.selected {
                Some(selected) => egui::Button::selectable(selected, text),
                None => egui::Button::new(text),
            }
            .min_size(self.min_size);
            if self.small {
                button = button.small();
            }
            if let Some(fill) = self.fill {
                button = button.fill(fill);
            }
            ui.add_enabled(self.enabled, button)
        };
        if let Some(name) = self.accessible_name {
            response = response.accessible_name(name);
        }
        let shortcut = shortcut_text(ui.ctx(), &self.command);
        let mut tooltip = match (self.command.tooltip(), shortcut.as_str()) {
            ("", "") => String::new(),
            (tip, "") => tip.to_owned(),
            ("", keys) => format!("快捷键 {keys}"),
            (tip, keys) => format!("{tip}（{keys}）"),
        };
        if let Some(hint) = self.hint {
            if !tooltip.is_empty() {
                tooltip.push('\n');
            }
            tooltip.push_str(&hint);
        }
        if !tooltip.is_empty() {
            response = response.on_hover_text(tooltip);
        }
        if response.clicked() {
            commands.push(self.command);
        }
        response
    }
}

/// A button for a command with its own label and tooltip.
pub fn command_button(
    ui: &mut egui::Ui,
    command: impl Into<Command>,
    commands: &mut Vec<Command>,
) -> egui::Response {
    CommandButton::new(command.into()).show(ui, commands)
}

/// A menu entry for a command, with its tooltip and shortcut; closes the menu when chosen.
pub fn menu_item(ui: &mut egui::Ui, command: impl Into<Command>, commands: &mut Vec<Command>) {
    let command = command.into();
    let button =
        egui::Button::new(command.label()).shortcut_text(shortcut_text(ui.ctx(), &command));
    if ui.add(button).on_hover_text(command.tooltip()).clicked() {
        commands.push(command);
        ui.close();
    }
}
