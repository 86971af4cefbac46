//! Context reads found in Dockerfiles.

use super::{ContextRead, Read, context_reads};

fn reads(text: &str) -> Vec<(usize, &'static str, Read)> {
    context_reads(text)
        .unwrap()
        .into_iter()
        .map(
            |ContextRead {
                 line,
                 instruction,
                 what,
             }| (line, instruction, what),
        )
        .collect()
}

#[test]
fn copy_add_and_bind_mounts_are_read() {
    let text = "FROM a AS build\n\
                COPY go.mod go.sum ./\n\
                COPY --from=build /bin/x /x\n\
                ADD https://example.com/x.tgz /x\n\
                ADD --chown=1 'src' /src\n\
                RUN --mount=type=bind,source=hack,target=/hack make\n\
                RUN --mount=type=cache,target=/root/.cache go build\n\
                RUN --mount=target=/ctx ls\n\
                RUN --mount=type=bind,from=build,source=/x,target=/x ls\n\
                COPY <<EOF /etc/x\nhello\nEOF\n\
                COPY ${SRC} .\n";
    assert_eq!(
        reads(text),
        vec![
            (2, "COPY", Read::Path("go.mod".into())),
            (2, "COPY", Read::Path("go.sum".into())),
            (4, "ADD", Read::Remote("https://example.com/x.tgz".into())),
            (5, "ADD", Read::Path("src".into())),
            (6, "RUN --mount", Read::Path("hack".into())),
            (
                8,
                "RUN --mount",
                Read::Context("a `RUN --mount=type=bind` without `source` binds the context root")
            ),
            (13, "COPY", Read::Context("a source names a variable")),
        ]
    );
}

#[test]
fn an_instruction_the_parser_refuses_elsewhere_does_not_hide_copies() {
    let text = "FROM a\nENTRYPOINT []\nCOPY x /x\n";
    assert_eq!(reads(text), vec![(3, "COPY", Read::Path("x".into()))]);
}
