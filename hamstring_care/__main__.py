from hamstring_care.cli import main

main()
