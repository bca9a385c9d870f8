//! The integration tests, one binary: the real `oktash` binary through pipes and a pseudo-terminal,
//! the demo org over loopback HTTP, the parser corpus, Postman fixtures and the conformance check.
//! One module per topic; the helpers shared by all of them live in `common`.

mod commands;
mod commands_table;
mod common;
mod complete_pty;
mod conformance;
mod demo_generic;
mod demo_group_rules;
mod demo_http;
mod demo_latency;
mod demo_oauth;
mod demo_org;
mod demo_reset;
mod demo_users;
mod drive_fanout;
mod drive_memory;
mod drive_output;
mod drive_paging;
mod drive_rate_limits;
mod drive_safety;
mod drive_session;
mod eval_props;
mod failures;
mod grammar_corpus;
mod highlight_pty;
mod history_transcripts;
mod parser_props;
mod play_pipe;
mod play_pty;
mod postman_demo;
mod postman_find;
mod postman_fixtures;
mod postman_import;
mod postman_prepare;
mod postman_run;
mod run_collections;
mod shell_bad_servers;
mod shell_interrupt;
mod shell_oauth;
mod shell_output;
mod shell_pipe;
mod shell_private_files;
mod shell_pty;
mod spec;
mod spec_routing;
